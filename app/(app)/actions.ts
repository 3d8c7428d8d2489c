'use server';

import { redirect } from 'next/navigation';
import { recordEvent } from '@/lib/audit';
import { getSession } from '@/lib/auth/dal';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { revokeSession } from '@/lib/auth/sessions';
import { isDatabaseUnavailable } from '@/lib/db/outage';
import { requestContext } from '@/lib/http/request-context';
import { describeFailure } from '@/lib/log';

/**
 * Revoke the record first (so a copied cookie dies with it), then clear the cookie.
 *
 * During a database outage the record cannot be revoked. The cookie is cleared all the same:
 * someone leaving a shared computer needs this browser signed out now, not an error page; the
 * sign-in page then says that the session was ended on this browser only.
 */
export async function signOutAction(): Promise<void> {
  let endedEverywhere = true;
  let revoked = false;
  try {
    const session = await getSession();
    if (session) {
      await revokeSession(session.id);
      revoked = true;
      await recordEvent('sign_out', await requestContext(), { userId: session.userId });
    }
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    console.error('latchkey: sign-out during a database outage:', describeFailure(error));
    endedEverywhere = revoked;
  }
  await clearSessionCookie();
  redirect(endedEverywhere ? '/login' : '/login?notice=signed-out-here');
}
