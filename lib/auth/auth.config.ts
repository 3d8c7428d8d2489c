import type { NextAuthConfig } from 'next-auth';
import { decode } from 'next-auth/jwt';
import { env, isHttps } from '@/lib/env';

/**
 * Edge-safe half of the Auth.js setup: the session cookie's name, options and decoding, shared by
 * middleware.ts, lib/auth/session-cookie.ts (which mints and clears the cookie) and
 * lib/auth/auth.ts. Nothing here touches the database or Node-only modules.
 */
export const REMEMBER_MAX_AGE_S = 30 * 24 * 60 * 60;

/** `__Host-` binds the cookie to this exact origin (https only: the prefix requires Secure). */
export function sessionCookieName(): string {
  return isHttps() ? '__Host-latchkey.session' : 'latchkey.session';
}

export function sessionCookieOptions() {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: isHttps() };
}

export function authConfig(): NextAuthConfig {
  return {
    secret: env().AUTH_SECRET,
    trustHost: true,
    useSecureCookies: isHttps(),
    session: { strategy: 'jwt', maxAge: REMEMBER_MAX_AGE_S },
    pages: { signIn: '/login', error: '/login' },
    cookies: { sessionToken: { name: sessionCookieName(), options: sessionCookieOptions() } },
    providers: [],
    callbacks: {
      // The claims (sub, sid) are set where the JWT is minted: lib/auth/session-cookie.ts.
      // What /api/auth/session would show the browser: no session token.
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? '' } };
      },
    },
  };
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
