import 'server-only';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { type MfaPolicy, mfaPolicyOf } from './mfa-policy';
import { rolesHeld } from './roles';
import { readSessionClaims, readSessionCookieValue } from './session-cookie';
import { type ActiveSession, validateSession } from './sessions';

/**
 * The Data Access Layer's one question: who is this request? The answer comes from the session
 * record (present, not revoked, not expired), not from the cookie alone, so a session revoked
 * on sign-out stops working at once even with a copied cookie. Cached per request.
 */
export type SessionDTO = Pick<
  ActiveSession,
  | 'id'
  | 'userId'
  | 'email'
  | 'remember'
  | 'ipAddress'
  | 'createdAt'
  | 'expiresAt'
  | 'mfaEnabled'
  | 'emailVerified'
  | 'role'
> & {
  /**
   * Whether the role policy asks for two-factor (lib/auth/mfa-policy.ts): decided per request from
   * the session's fresh account data and the clock. `enforced` reaches only the set-up:
   * requireSession redirects there, authenticatedAction refuses.
   */
  mfaPolicy: MfaPolicy;
};

/** Where an account the policy holds (`enforced`) may still go: the two-factor set-up. */
export const MFA_SETUP_PATH = '/settings/security';

export const getSession = cache(async (): Promise<SessionDTO | null> => {
  const claims = await readSessionClaims();
  if (!claims) return null;
  const session = await validateSession(claims.sessionToken);
  // A cookie names only browser sessions (an API session's own token is never handed out; the
  // kind is checked anyway, as /api/v1 checks its own).
  if (!session || session.userId !== claims.userId || session.client !== 'web') return null;
  return {
    id: session.id,
    userId: session.userId,
    email: session.email,
    remember: session.remember,
    ipAddress: session.ipAddress,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
    mfaEnabled: session.mfaEnabled,
    emailVerified: session.emailVerified,
    // As fresh as the session check (its cache empties when the account row changes). What the
    // page shows; the admin console asks the database again before it shows or does anything.
    role: session.role,
    mfaPolicy: await mfaPolicyOf({
      userId: session.userId,
      rolesHeld: rolesHeld(session.role),
      mfaEnabled: session.mfaEnabled,
      policySince: session.mfaPolicySince,
    }),
  };
});

/**
 * For pages: the session, or off to sign in. A cookie whose session is gone goes through
 * /session-ended, which clears it (a page cannot), or middleware would bounce /login back here.
 * An account the two-factor policy holds goes to the set-up, unless the caller is the set-up
 * itself (`duringEnrollment`): every page is covered unless it says otherwise.
 */
export async function requireSession(
  currentPath: string,
  options: { duringEnrollment?: boolean } = {},
): Promise<SessionDTO> {
  const session = await getSession();
  if (session) {
    if (session.mfaPolicy.kind === 'enforced' && !options.duringEnrollment) redirect(MFA_SETUP_PATH);
    return session;
  }
  const query = new URLSearchParams({ callbackUrl: currentPath }).toString();
  if (await readSessionCookieValue()) redirect(`/session-ended?${query}`);
  redirect(`/login?${query}`);
}
