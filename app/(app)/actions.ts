'use server';

import { recordEvent } from '@/lib/audit';
import { signOut } from '@/lib/auth/auth';
import { getSession } from '@/lib/auth/dal';
import { revokeSession } from '@/lib/auth/sessions';
import { requestContext } from '@/lib/http/request-context';

/** Revoke the record first (so a copied cookie dies with it), then clear the cookie. */
export async function signOutAction(): Promise<void> {
  const session = await getSession();
  if (session) {
    await revokeSession(session.id);
    await recordEvent('sign_out', await requestContext(), { userId: session.userId });
  }
  await signOut({ redirectTo: '/login' });
}
