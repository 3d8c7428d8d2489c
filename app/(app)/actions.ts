'use server';

import { redirect } from 'next/navigation';
import { recordEvent } from '@/lib/audit';
import { getSession } from '@/lib/auth/dal';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { revokeSession } from '@/lib/auth/sessions';
import { requestContext } from '@/lib/http/request-context';

/** Revoke the record first (so a copied cookie dies with it), then clear the cookie. */
export async function signOutAction(): Promise<void> {
  const session = await getSession();
  if (session) {
    await revokeSession(session.id);
    await recordEvent('sign_out', await requestContext(), { userId: session.userId });
  }
  await clearSessionCookie();
  redirect('/login');
}
