import 'server-only';
import { randomBytes } from 'node:crypto';
import { generate, verify } from 'otplib';
import { env } from '@/lib/env';
import { normalizeTotpCode, TOTP_DIGITS } from './code-shapes';

/**
 * TOTP as every mainstream authenticator app implements it (RFC 6238 defaults): SHA-1, 6 digits,
 * 30 s steps. Several apps ignore the URI's `algorithm`, `digits` and `period`, so other values
 * would give their users codes that never match.
 */
const PERIOD = 30;
const ALGORITHM = 'sha1';
/** 160 bits: RFC 4226 §4 recommends a secret as long as the HMAC-SHA-1 output. */
const SECRET_BYTES = 20;
/** ±1 step for clock drift and typing time (RFC 6238 §5.2); otplib takes it in seconds. */
const TOLERANCE_SECONDS = PERIOD;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32, without padding (authenticator apps and otpauth URIs omit it). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1; // keep only the unread bits, so the shift never overflows
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

export function generateTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES));
}

/**
 * `otpauth://totp/ISSUER:EMAIL?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30`, with the
 * issuer both as label prefix and parameter (Google's Key URI format asks for both).
 */
export function totpUri({
  secret,
  email,
  issuer,
}: {
  secret: string;
  email: string;
  issuer?: string;
}): string {
  const name = issuer ?? env().APP_NAME;
  const query = new URLSearchParams({
    secret,
    issuer: name,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(PERIOD),
  });
  // URLSearchParams writes a space as '+', which some authenticator apps show literally; a literal
  // '+' is already %2B, so every remaining '+' is a space.
  const params = query.toString().replaceAll('+', '%20');
  return `otpauth://totp/${encodeURIComponent(name)}:${encodeURIComponent(email)}?${params}`;
}

/** RFC 6238 T = floor(unix seconds / 30). */
export function currentTimeStep(now: number = Date.now()): number {
  return Math.floor(Math.floor(now / 1000) / PERIOD);
}

export function generateTotp(secret: string, now: number = Date.now()): Promise<string> {
  return generate({
    secret,
    algorithm: ALGORITHM,
    digits: TOTP_DIGITS,
    period: PERIOD,
    epoch: Math.floor(now / 1000),
  });
}

export type TotpCheck = { valid: true; timeStep: number } | { valid: false };

/**
 * The one call into otplib's verification, used by verifyTotp; exported so the RFC 6238 test
 * vectors (8 digits, raw ASCII secret) run through the same code path. `epoch` is in seconds.
 */
export async function checkTotp(options: {
  secret: string | Uint8Array;
  token: string;
  epoch: number;
  digits?: 6 | 8;
  afterTimeStep?: number | null;
}): Promise<TotpCheck> {
  const { secret, token, epoch, digits = TOTP_DIGITS } = options;
  let afterTimeStep = options.afterTimeStep ?? undefined;
  // Steps start at 0, so a negative bound excludes nothing.
  if (afterTimeStep !== undefined && afterTimeStep < 0) afterTimeStep = undefined;
  // otplib throws when the bound lies beyond the window; every step in the window is then refused.
  const lastStepInWindow = Math.floor((epoch + TOLERANCE_SECONDS) / PERIOD);
  const matchAfter = async (after: number | undefined): Promise<number | null> => {
    if (after !== undefined && after >= lastStepInWindow) return null;
    const result = await verify({
      secret,
      token,
      algorithm: ALGORITHM,
      digits,
      period: PERIOD,
      epoch,
      epochTolerance: TOLERANCE_SECONDS,
      afterTimeStep: after,
    });
    // otplib's functional verify is typed as TOTP-or-HOTP, and only the TOTP result has timeStep.
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  };
  // otplib answers the earliest step the code matches. Two steps of the window can share a code
  // (one pair in a million): recording the earlier one would let the same code in again, for the
  // later step. So take the latest step it matches.
  let timeStep = await matchAfter(afterTimeStep);
  if (timeStep === null) return { valid: false };
  // Each match is after the last one (otplib skips steps up to afterTimeStep), and the window
  // ends: at most three rounds. The check makes that so whatever the library does.
  for (
    let later = await matchAfter(timeStep);
    later !== null && later > timeStep;
    later = await matchAfter(timeStep)
  ) {
    timeStep = later;
  }
  return { valid: true, timeStep };
}

/**
 * Checks a code typed by the user against the current step ±1. `afterTimeStep` (the last step
 * accepted for this factor) refuses that step and earlier ones: a code works once. This is only
 * the pre-check; the caller records the step with a compare-and-set in the database, which is what
 * holds under concurrent requests. A wrong or malformed code is `{ valid: false }`, never a throw;
 * a corrupt stored secret does throw (a server fault must not count as the user's failed attempt).
 */
export async function verifyTotp({
  secret,
  code,
  afterTimeStep,
  now = Date.now(),
}: {
  secret: string;
  code: string;
  afterTimeStep?: number | null;
  now?: number;
}): Promise<TotpCheck> {
  const token = normalizeTotpCode(code);
  if (token === null) return { valid: false };
  return checkTotp({ secret, token, epoch: Math.floor(now / 1000), afterTimeStep });
}
