import 'server-only';
import { redirect } from 'next/navigation';
import { cache } from 'react';
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
>;

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
  };
});

/**
 * For pages: the session, or off to sign in. A cookie whose session is gone goes through
 * /session-ended, which clears it (a page cannot), or middleware would bounce /login back here.
 */
export async function requireSession(currentPath: string): Promise<SessionDTO> {
  const session = await getSession();
  if (session) return session;
  const query = new URLSearchParams({ callbackUrl: currentPath }).toString();
  if (await readSessionCookieValue()) redirect(`/session-ended?${query}`);
  redirect(`/login?${query}`);
}
