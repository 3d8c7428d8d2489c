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

/**
 * Decoding costs a key derivation (HKDF) and a decryption, about a millisecond, and every
 * protected page decodes the same cookie twice (middleware, then the DAL) on every request. A
 * JWT that decoded once decodes the same way again (same value, same secret, same salt), so its
 * claims are remembered by value until the JWT expires: only values we minted are kept (a forged
 * or garbled one is decoded, refused and forgotten), and at most DECODED_MAX of them, oldest
 * first. Whether the session is still live is never remembered here: that is the DAL's question.
 */
const DECODED_MAX = 10_000;
/**
 * What we mint, exactly: a compact JWE with direct encryption (empty key part), base64url parts,
 * about 400 characters. Anything else is refused undecoded. Not only to save the work: jose's
 * base64url decoding skips whitespace, so a real cookie padded with spaces or tabs decodes to the
 * same claims, and each padded copy would be a new (large) key of the memo above.
 */
const MINTED_SHAPE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_VALUE_LENGTH = 1_024;
type Decoded = { claims: SessionClaims; expiresAtMs: number; secret: string; salt: string };
const decoded = new Map<string, Decoded>();

/** Read and verify the session cookie's JWT; null when absent, forged, expired or malformed. */
export async function readSessionCookie(value: string | undefined): Promise<SessionClaims | null> {
  if (!value || value.length > MAX_VALUE_LENGTH || !MINTED_SHAPE.test(value)) return null;
  const secret = env().AUTH_SECRET;
  const salt = sessionCookieName();
  const known = decoded.get(value);
  if (known && known.secret === secret && known.salt === salt && Date.now() < known.expiresAtMs) {
    return known.claims;
  }
  if (known) decoded.delete(value);
  try {
    const token = await decode({ token: value, secret, salt });
    if (!token || typeof token.sub !== 'string' || typeof token.sid !== 'string') return null;
    const claims = Object.freeze({ userId: token.sub, sessionToken: token.sid });
    if (typeof token.exp === 'number') {
      if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value as string);
      decoded.set(value, { claims, expiresAtMs: token.exp * 1000, secret, salt });
    }
    return claims;
  } catch {
    return null;
  }
}
