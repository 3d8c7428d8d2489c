import 'server-only';
import { cookies } from 'next/headers';
import type { RequestContext } from '@/lib/http/request-context';
import { signIn } from './auth';
import { sessionCookieName, sessionCookieOptions } from './auth.config';
import { issueLoginTicket } from './login-ticket';

/**
 * Start a session for a user who passed every check: a ticket for Auth.js, which sets the JWT
 * cookie. Auth.js gives every cookie the same lifetime; without "Remember me" the cookie is
 * re-set without an expiry, so it ends with the browser (the record ends within 24 h anyway).
 */
export async function startSession(
  userId: string,
  remember: boolean,
  ctx: RequestContext,
  mfaVerified = false,
): Promise<void> {
  const ticket = await issueLoginTicket(userId, remember, ctx, mfaVerified);
  await signIn('ticket', { ticket, redirect: false });
  if (!remember) {
    const jar = await cookies();
    const name = sessionCookieName();
    const cookie = jar.get(name);
    if (cookie) jar.set(name, cookie.value, sessionCookieOptions());
  }
}

export async function readSessionCookieValue(): Promise<string | undefined> {
  return (await cookies()).get(sessionCookieName())?.value;
}
