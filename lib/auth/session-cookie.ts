import 'server-only';
import { cookies } from 'next/headers';
import { encode } from 'next-auth/jwt';
import type { AuditDetail } from '@/lib/audit';
import { randomToken } from '@/lib/crypto/tokens';
import { env } from '@/lib/env';
import type { RequestContext } from '@/lib/http/request-context';
import {
  REMEMBER_MAX_AGE_S,
  readSessionCookie,
  type SessionClaims,
  sessionCookieName,
  sessionCookieOptions,
} from './auth.config';
import { createSession } from './sessions';

/**
 * The session cookie's whole life, in one place (the Next.js guide's lib/session.ts): set when a
 * sign-in passed every check, read by the DAL, cleared on sign-out, on /session-ended, after a
 * password reset and with a deleted account. Server actions and route handlers alike go through
 * `cookies()`: in a route handler Next adds what it set to the response the handler returns.
 *
 * The value is an Auth.js JWT (encrypted, so the session token inside is not readable in the
 * browser), minted here with next-auth/jwt's `encode` and read with its `decode` in auth.config.ts,
 * the edge-safe half middleware imports; both use AUTH_SECRET with the cookie name as salt. It
 * carries ids only, `sub` (the user) and `sid` (the session record's secret token), exactly what
 * Auth.js's jwt callback put there when its signIn minted it; everything else is looked up.
 * Minting it here replaces a detour: a one-time login ticket written to the store and read back
 * by a Credentials provider only to carry the user id through Auth.js's HTTP-shaped signIn, then
 * a second Set-Cookie to take off the expiry Auth.js gives every cookie.
 */

/**
 * Start a session for a user who passed every check: a new record (new random id, every
 * sign-in), and its cookie. With "Remember me" the cookie lasts 30 days like the record; without,
 * it has no Max-Age and ends with the browser (the record ends within 24 h anyway). The JWT's own
 * expiry is 30 days either way: the record, not the JWT, decides whether the session is live.
 */
export async function startSession(
  userId: string,
  remember: boolean,
  ctx: RequestContext,
  mfaVerified = false,
  /** The sign-in's audit detail: the `sign_in_success` event commits with the session record. */
  signIn?: AuditDetail,
): Promise<void> {
  // The cookie is minted while the record is written: neither needs the other, and minting (a key
  // derivation and an encryption) runs on the thread pool while this thread talks to the database.
  const token = randomToken();
  const [, value] = await Promise.all([
    createSession(userId, remember, ctx, mfaVerified, signIn, token),
    mintJwt({ userId, sessionToken: token }),
  ]);
  const lifetime = remember ? { maxAge: REMEMBER_MAX_AGE_S } : {};
  (await cookies()).set(sessionCookieName(), value, { ...sessionCookieOptions(), ...lifetime });
}

function mintJwt(claims: SessionClaims): Promise<string> {
  return encode({
    token: { sub: claims.userId, sid: claims.sessionToken },
    secret: env().AUTH_SECRET,
    salt: sessionCookieName(),
    maxAge: REMEMBER_MAX_AGE_S,
  });
}

export async function readSessionCookieValue(): Promise<string | undefined> {
  return (await cookies()).get(sessionCookieName())?.value;
}

/** The cookie's claims if it is a JWT we minted (not whether its session is still live: dal.ts). */
export async function readSessionClaims(): Promise<SessionClaims | null> {
  return readSessionCookie(await readSessionCookieValue());
}

/**
 * Same name, Path and Secure as when set: a browser replaces a cookie only under the same name and
 * path, and refuses any `__Host-` cookie without Secure and Path=/.
 */
export async function clearSessionCookie(): Promise<void> {
  (await cookies()).set(sessionCookieName(), '', { ...sessionCookieOptions(), maxAge: 0 });
}

/**
 * Clear the cookie only if it belongs to `userId` (after that account's sessions were revoked
 * from a page anyone can open, such as a reset link: a browser signed in as someone else keeps
 * its session). True when it cleared one.
 */
export async function clearSessionCookieOf(userId: string): Promise<boolean> {
  const claims = await readSessionClaims();
  if (claims?.userId !== userId) return false;
  await clearSessionCookie();
  return true;
}
