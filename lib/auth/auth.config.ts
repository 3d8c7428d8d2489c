import { decode } from 'next-auth/jwt';
import { env, isHttps } from '@/lib/env';

/**
 * Edge-safe half of the session cookie: its name, options and decoding (an Auth.js JWT, through
 * next-auth/jwt), shared by middleware.ts and lib/auth/session-cookie.ts (which mints and clears
 * it). No Auth.js route is mounted: nothing under /api/auth answers, so none can read or extend
 * the cookie behind the DAL's back. Nothing here touches the database or Node-only modules.
 */
export const REMEMBER_MAX_AGE_S = 30 * 24 * 60 * 60;

/** `__Host-` binds the cookie to this exact origin (https only: the prefix requires Secure). */
export function sessionCookieName(): string {
  return isHttps() ? '__Host-latchkey.session' : 'latchkey.session';
}

export function sessionCookieOptions() {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: isHttps() };
}

export type SessionClaims = { userId: string; sessionToken: string };

/** Read and verify the session cookie's JWT; null when absent, forged, expired or malformed. */
export async function readSessionCookie(value: string | undefined): Promise<SessionClaims | null> {
  if (!value) return null;
  try {
    const name = sessionCookieName();
    const token = await decode({ token: value, secret: env().AUTH_SECRET, salt: name });
    if (!token || typeof token.sub !== 'string' || typeof token.sid !== 'string') return null;
    return { userId: token.sub, sessionToken: token.sid };
  } catch {
    return null;
  }
}
