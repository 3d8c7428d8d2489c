import 'server-only';
import { redirect } from 'next/navigation';
import { getSession, MFA_SETUP_PATH } from '@/lib/auth/dal';
import { roleOf } from '@/lib/auth/roles';

/** The signed-in administrator, as the console needs them; never more than this leaves here. */
export type AdminDTO = { userId: string; email: string; sessionId: string; mfaEnabled: boolean };

/**
 * Who may see the console: a live session (the DAL's check) whose account holds the `admin` role
 * now. The role is read from the database on every call, never from the cookie, so a role revoked
 * a moment ago closes the console at the next request. Everyone else, signed out included, gets
 * null, and pages answer with the app's ordinary 404: nothing says the console exists.
 * An administrator without two-factor sees no one's data either (a password alone would open
 * every account's addresses, sessions and activity): the pages ask for the set-up first.
 */
export async function currentAdmin(): Promise<AdminDTO | null> {
  const session = await getSession();
  if (!session) return null;
  if ((await roleOf(session.userId)) !== 'admin') return null;
  // Past the two-factor policy's grace period (lib/auth/mfa-policy.ts): the set-up, as every
  // signed-in page does (requireSession). Only after the role check, so a non-admin still gets 404.
  if (session.mfaPolicy.kind === 'enforced') redirect(MFA_SETUP_PATH);
  return {
    userId: session.userId,
    email: session.email,
    sessionId: session.id,
    mfaEnabled: session.mfaEnabled,
  };
}
