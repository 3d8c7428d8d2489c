'use server';

import { redirect } from 'next/navigation';
import { recordEvent } from '@/lib/audit';
import { getSession } from '@/lib/auth/dal';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { revokeSession } from '@/lib/auth/sessions';
import { db } from '@/lib/db/client';
import { isDatabaseUnavailable } from '@/lib/db/outage';
import { requestContext } from '@/lib/http/request-context';
import { describeFailure } from '@/lib/log';

/**
 * Revoke the record first (so a copied cookie dies with it), with its audit event in the same
 * transaction, then clear the cookie.
 *
 * During a database outage the record cannot be revoked. The cookie is cleared all the same:
 * someone leaving a shared computer needs this browser signed out now, not an error page; the
 * sign-in page then says that the session was ended on this browser only.
 */
export async function signOutAction(): Promise<void> {
  let endedEverywhere = true;
  try {
    const session = await getSession();
    if (session) {
      const ctx = await requestContext();
      await (await db()).transaction(async (tx) => {
        if (await revokeSession(session.id, tx)) {
          await recordEvent('sign_out', ctx, { userId: session.userId, tx });
        }
      });
    }
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    console.error('latchkey: sign-out during a database outage:', describeFailure(error));
    // The revocation and its event commit together or not at all: not ended on the server.
    endedEverywhere = false;
  }
  await clearSessionCookie();
  redirect(endedEverywhere ? '/login' : '/login?notice=signed-out-here');
}
