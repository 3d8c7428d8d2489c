'use server';

import { redirect } from 'next/navigation';
import { recordEvent } from '@/lib/audit';
import { getSession } from '@/lib/auth/dal';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { revokeSession } from '@/lib/auth/sessions';
import { db } from '@/lib/db/client';
import { requestContext } from '@/lib/http/request-context';

/**
 * Revoke the record first (so a copied cookie dies with it), with its audit event in the same
 * transaction, then clear the cookie.
 */
export async function signOutAction(): Promise<void> {
  const session = await getSession();
  if (session) {
    const ctx = await requestContext();
    await (await db()).transaction(async (tx) => {
      if (await revokeSession(session.id, tx)) {
        await recordEvent('sign_out', ctx, { userId: session.userId, tx });
      }
    });
  }
  await clearSessionCookie();
  redirect('/login');
}
