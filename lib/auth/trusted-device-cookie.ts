import 'server-only';
import { cookies } from 'next/headers';
import { keyedHash } from '@/lib/crypto/keyed-hash';
import { isHttps } from '@/lib/env';

/**
 * The trusted-device cookie's whole life (set, read, clear): a random 256-bit token whose SHA-256
 * is a `trusted_devices` row (lib/auth/trusted-devices.ts). One cookie per account, named by a
 * keyed hash of the account's id, so trusting this browser for one account neither replaces nor
 * reveals another's. It lasts exactly as long as the row; the row, not the cookie, decides.
 */
export const TRUSTED_DEVICE_MAX_AGE_S = 30 * 24 * 60 * 60;

// randomToken(): 32 bytes, base64url without padding. Anything else is not worth a lookup.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function name(userId: string): string {
  const suffix = keyedHash('trusted-device-cookie-name', userId).slice(0, 16);
  // `__Host-`: only this origin over https can set or overwrite it (no sibling subdomain).
  return isHttps() ? `__Host-latchkey.trusted.${suffix}` : `latchkey.trusted.${suffix}`;
}

export async function setTrustedDeviceCookie(userId: string, token: string): Promise<void> {
  (await cookies()).set(name(userId), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(),
    path: '/',
    maxAge: TRUSTED_DEVICE_MAX_AGE_S,
  });
}

/** The token this browser holds for `userId`, if it has one of the right shape. */
export async function readTrustedDeviceCookie(userId: string): Promise<string | null> {
  const value = (await cookies()).get(name(userId))?.value;
  return value && TOKEN_SHAPE.test(value) ? value : null;
}

/** Same name, Path and Secure as when set: a browser replaces a cookie only under those. */
export async function clearTrustedDeviceCookie(userId: string): Promise<void> {
  (await cookies()).set(name(userId), '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(),
    path: '/',
    maxAge: 0,
  });
}
