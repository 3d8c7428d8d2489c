import 'server-only';
import { randomUUID } from 'node:crypto';
import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { env } from '@/lib/env';
import { SIGNING_ALG, type SigningKeys, signingKeys } from './signing-keys';

/**
 * Access tokens of /api/v1: ES256 JWTs that other services can verify offline against
 * /.well-known/jwks.json. The signature only proves Latchkey issued the token; whether its session
 * still lives is the session record's business (`sid`), which Latchkey's own API asks every call.
 */

export const ACCESS_TOKEN_TTL_S = 3600;
export type Amr = 'pwd' | 'otp';
export type AccessClaims = { sub: string; sid: string; amr: Amr[] };
export type VerifiedAccessClaims = AccessClaims & { jti: string; iat: number; exp: number };

// RFC 9068 §2.1: its own `typ`, so no other JWT (an ID token, a future kind signed by the same
// keys) passes for an access token. jose compares it without the optional `application/`.
const TYP = 'at+jwt';
// A bearer header is as long as the client likes; anything past this is refused unparsed.
// Ours are about 500 characters.
const MAX_TOKEN_LENGTH = 4096;
// Room for instances whose clocks are a few seconds apart (one issues, another verifies).
const CLOCK_TOLERANCE_S = 5;
// The session record's id: SHA-256 of the session token, hex. Public-safe by construction.
const SID = /^[0-9a-f]{64}$/;
const AMR: ReadonlySet<unknown> = new Set<Amr>(['pwd', 'otp']);

function isAmrList(value: unknown): value is Amr[] {
  return Array.isArray(value) && value.length > 0 && value.every((m) => AMR.has(m));
}

function isAccessClaims(c: { sub?: unknown; sid?: unknown; amr?: unknown }): c is AccessClaims {
  return (
    typeof c.sub === 'string' &&
    c.sub !== '' &&
    typeof c.sid === 'string' &&
    SID.test(c.sid) &&
    isAmrList(c.amr)
  );
}

export async function issueAccessToken(
  claims: AccessClaims,
  keys: SigningKeys = signingKeys(),
): Promise<{ token: string; expiresIn: number }> {
  // A caller's bug: better no token than one every verifier refuses.
  if (!isAccessClaims(claims)) throw new Error('issueAccessToken: sub, sid or amr is malformed');
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sid: claims.sid, amr: [...claims.amr] })
    .setProtectedHeader({ alg: SIGNING_ALG, typ: TYP, kid: keys.signing.kid })
    .setIssuer(env().APP_URL)
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_TTL_S)
    .setJti(randomUUID())
    .sign(keys.signing.privateKey);
  return { token, expiresIn: ACCESS_TOKEN_TTL_S };
}

function verifiedClaims(payload: JWTPayload): VerifiedAccessClaims | null {
  const { sub, sid, amr, jti, iat, exp } = payload;
  const claims = { sub, sid, amr };
  if (!isAccessClaims(claims)) return null;
  if (typeof jti !== 'string' || jti === '' || typeof iat !== 'number' || typeof exp !== 'number')
    return null;
  return { sub: claims.sub, sid: claims.sid, amr: [...claims.amr], jti, iat, exp };
}

/**
 * The verified claims, or null for anything else (never throws for a bad token). Rejects only
 * when API_SIGNING_KEY is missing: that is the server's fault, and must not read as "bad token".
 */
export async function verifyAccessToken(
  token: string,
  keys: SigningKeys = signingKeys(),
): Promise<VerifiedAccessClaims | null> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const issuer = env().APP_URL;
  try {
    const { payload } = await jwtVerify(
      token,
      ({ kid }) => {
        // The token's kid picks among our keys only; no kid, or one we do not hold, fails.
        const key = typeof kid === 'string' ? keys.verifying.get(kid) : undefined;
        if (!key) throw new Error('unknown key id');
        return key;
      },
      {
        // Only ES256: `none`, or HS256 keyed with our public key, is refused before any key is
        // chosen (jose would refuse them later too, for want of a key of their kind).
        algorithms: [SIGNING_ALG],
        issuer,
        typ: TYP,
        clockTolerance: CLOCK_TOLERANCE_S,
        // Bounds a token's life by its iat as well as its exp, and refuses an iat in the future.
        maxTokenAge: ACCESS_TOKEN_TTL_S,
      },
    );
    return verifiedClaims(payload);
  } catch {
    return null;
  }
}
