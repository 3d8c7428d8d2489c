import 'server-only';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { cookies } from 'next/headers';
import { keyedHash } from '@/lib/crypto/keyed-hash';
import { isHttps } from '@/lib/env';

/**
 * "This browser has signed in to this account before" (OWASP's device cookies, against lockout):
 * after a right password, the browser gets a cookie bound to the account by an HMAC under the
 * server's secret, so it cannot be made up or moved to another account. Failed sign-ins from it
 * count in a budget of its own (lib/rate-limit `signInDevice`), so someone guessing the password
 * from elsewhere cannot lock its owner out; browsers without one share the account's budget.
 * One cookie per account, named by a keyed hash of the address (no address in the name).
 */
const MAX_AGE_S = 365 * 24 * 60 * 60;

function name(email: string): string {
  const suffix = keyedHash('device-cookie-name', email).slice(0, 16);
  return isHttps() ? `__Host-latchkey.device.${suffix}` : `latchkey.device.${suffix}`;
}

const mac = (email: string, nonce: string) => keyedHash('device-cookie', `${email}\u0000${nonce}`);

/** This browser's device id for `email`, when it holds a genuine cookie for that account. */
export async function knownDevice(email: string): Promise<string | null> {
  const value = (await cookies()).get(name(email))?.value ?? '';
  const [nonce, tag] = value.split('.');
  if (!nonce || !tag || !/^[A-Za-z0-9_-]{22}$/.test(nonce)) return null;
  const expected = Buffer.from(mac(email, nonce));
  const given = Buffer.from(tag);
  return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : null;
}

/** After a right password: from now on this browser is known to the account. */
export async function rememberDevice(email: string): Promise<void> {
  if (await knownDevice(email)) return;
  const nonce = randomBytes(16).toString('base64url');
  (await cookies()).set(name(email), `${nonce}.${mac(email, nonce)}`, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(),
    path: '/',
    maxAge: MAX_AGE_S,
  });
}
