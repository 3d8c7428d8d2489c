import { createHash, createHmac, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JWTPayload, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { env } from '@/lib/env';
import { ACCESS_TOKEN_TTL_S, type AccessClaims, issueAccessToken, verifyAccessToken } from './access-token';
import { parseSigningKeys } from './signing-keys';

/**
 * What someone holding a token, or the JWKS, would try. Every refusal is a token that differs
 * from an accepted one (the control test) in one respect only.
 */

const p256 = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64url');
const A = p256();
const B = p256();
const KEYS = parseSigningKeys(`k1:${A}`);
const ISSUER = env().APP_URL;
const CLAIMS: AccessClaims = {
  sub: '0b9f4c1e-8d2a-4f57-9a3e-6c1d2b7e5f80',
  sid: createHash('sha256').update(randomBytes(32)).digest('hex'),
  amr: ['pwd', 'otp'],
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** The claims and header issueAccessToken would write, changed by `claims` / `header` (undefined drops one). */
function parts(claims: JWTPayload = {}, header: Record<string, unknown> = {}) {
  const t = now();
  const payload: JWTPayload = {
    iss: ISSUER,
    sub: CLAIMS.sub,
    sid: CLAIMS.sid,
    amr: CLAIMS.amr,
    iat: t,
    exp: t + ACCESS_TOKEN_TTL_S,
    jti: 'b4c1d6e0-0c5e-4a43-9d0a-8d3f6e2a7b19',
    ...claims,
  };
  return { payload, header: { alg: 'ES256', typ: 'at+jwt', kid: 'k1', ...header } };
}

/** A token signed with a real P-256 key (ours unless `privateKey` says otherwise). */
async function signed(
  claims?: JWTPayload,
  header?: Record<string, unknown>,
  privateKey: KeyObject = KEYS.signing.privateKey,
) {
  const { payload, header: protectedHeader } = parts(claims, header);
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(privateKey);
}

const accepted = async (token: string) => expect(await verifyAccessToken(token, KEYS)).not.toBeNull();
const refused = async (token: string) => expect(await verifyAccessToken(token, KEYS)).toBeNull();

afterEach(() => {
  vi.useRealTimers();
});

describe('issueAccessToken and verifyAccessToken', () => {
  it('round-trips: ES256, typ at+jwt, our kid and issuer, one hour, a fresh jti each time', async () => {
    const before = now();
    const { token, expiresIn } = await issueAccessToken(CLAIMS, KEYS);
    expect(expiresIn).toBe(3600);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    expect(decodeJwt(token).iss).toBe(ISSUER);

    const verified = await verifyAccessToken(token, KEYS);
    expect(verified).toMatchObject(CLAIMS);
    expect(verified!.iat).toBeGreaterThanOrEqual(before);
    expect(verified!.exp - verified!.iat).toBe(ACCESS_TOKEN_TTL_S);
    expect(verified!.jti).toMatch(/^[0-9a-f-]{36}$/);
    const again = await issueAccessToken(CLAIMS, KEYS);
    expect(decodeJwt(again.token).jti).not.toBe(verified!.jti);
  });

  it('accepts the hand-made control token the refusals below are variations of', async () => {
    await accepted(await signed());
    // RFC 9068 allows the media type's long form; jose treats both alike.
    await accepted(await signed({}, { typ: 'application/at+jwt' }));
  });

  it('uses the configured key (API_SIGNING_KEY) when none is passed', async () => {
    const { token } = await issueAccessToken(CLAIMS);
    expect(await verifyAccessToken(token)).toMatchObject(CLAIMS);
    // The test keys are not the configured ones, so each refuses the other's tokens.
    expect(await verifyAccessToken(token, KEYS)).toBeNull();
  });

  it('refuses to issue a token with malformed claims (a caller bug)', async () => {
    for (const bad of [
      { ...CLAIMS, sub: '' },
      { ...CLAIMS, sid: 'not-a-session-id' },
      { ...CLAIMS, amr: [] },
      { ...CLAIMS, amr: ['sms'] },
    ]) {
      await expect(issueAccessToken(bad as AccessClaims, KEYS)).rejects.toThrow(/malformed/);
    }
  });
});

describe('verifyAccessToken refuses', () => {
  it('a token signed by another P-256 key under our kid', async () => {
    const other = parseSigningKeys(`k1:${B}`);
    await refused(await signed({}, {}, other.signing.privateKey));
    await refused((await issueAccessToken(CLAIMS, other)).token);
  });

  it('an unsecured token (alg none), with or without a signature', async () => {
    const { payload, header } = parts({}, { alg: 'none' });
    const unsigned = `${b64(header)}.${b64(payload)}`;
    await refused(`${unsigned}.`);
    const realSignature = (await signed()).split('.')[2];
    await refused(`${unsigned}.${realSignature}`);
    await refused(`${b64({ ...header, alg: 'None' })}.${b64(payload)}.`);
  });

  it('HS256 keyed with our public key (algorithm confusion), in every form a verifier might use', async () => {
    const publicKey = KEYS.verifying.get('k1')!;
    const jwk = publicKey.export({ format: 'jwk' });
    const secrets: Buffer[] = [
      Buffer.from(publicKey.export({ format: 'pem', type: 'spki' })),
      publicKey.export({ format: 'der', type: 'spki' }),
      Buffer.from(JSON.stringify(jwk)),
      Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]),
    ];
    for (const secret of secrets) {
      const { payload, header } = parts({}, { alg: 'HS256' });
      const input = `${b64(header)}.${b64(payload)}`;
      await refused(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`);
    }
  });

  it('an expired token (beyond 5 s of clock tolerance), and accepts it until then', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const { token } = await issueAccessToken(CLAIMS, KEYS);
    vi.setSystemTime(start + (ACCESS_TOKEN_TTL_S + 3) * 1000);
    await accepted(token);
    vi.setSystemTime(start + (ACCESS_TOKEN_TTL_S + 7) * 1000);
    await refused(token);
  });

  it('a token that outlives an hour by its iat, whatever its exp says, or was issued in the future', async () => {
    const t = now();
    await refused(await signed({ iat: t - 2 * ACCESS_TOKEN_TTL_S, exp: t + 86_400 }));
    await refused(await signed({ iat: t + 60, exp: t + 60 + ACCESS_TOKEN_TTL_S }));
  });

  it('another issuer, or none', async () => {
    await refused(await signed({ iss: 'https://evil.example' }));
    await refused(await signed({ iss: `${ISSUER}/` }));
    await refused(await signed({ iss: undefined }));
  });

  it('a token without typ at+jwt (an ID token or plain JWT signed by the same key)', async () => {
    await refused(await signed({}, { typ: undefined }));
    await refused(await signed({}, { typ: 'JWT' }));
    await refused(await signed({}, { typ: 'id_token+jwt' }));
  });

  it('a tampered payload, header or signature', async () => {
    const [header, payload, signature] = (await signed()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    await refused(`${header}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`);
    await refused(`${header}.${b64({ ...claims, amr: ['pwd', 'otp', 'otp'] })}.${signature}`);
    await refused(`${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k1', extra: 1 })}.${payload}.${signature}`);
    const flipped = Buffer.from(signature, 'base64url');
    flipped[10]! ^= 0x01;
    await refused(`${header}.${payload}.${flipped.toString('base64url')}`);
  });

  it('a kid we do not hold, or none, even when the signature is ours', async () => {
    await refused(await signed({}, { kid: 'k9' }));
    await refused(await signed({}, { kid: undefined }));
    await refused(await signed({}, { kid: '__proto__' }));
  });

  it('a token longer than 4 KiB, unparsed, though well signed', async () => {
    const under = await signed({ pad: 'x'.repeat(2_500) });
    const over = await signed({ pad: 'x'.repeat(3_000) });
    expect(under.length).toBeLessThanOrEqual(4096);
    expect(over.length).toBeGreaterThan(4096);
    await accepted(under);
    await refused(over);
  });

  it.each([
    ['sid not 64 lowercase hex', { sid: CLAIMS.sid.toUpperCase() }],
    ['sid one character short', { sid: CLAIMS.sid.slice(1) }],
    ['sid missing', { sid: undefined }],
    ['amr with a method we do not know', { amr: ['pwd', 'sms'] }],
    ['amr a string, not an array', { amr: 'pwd' }],
    ['amr empty', { amr: [] }],
    ['amr missing', { amr: undefined }],
    ['sub empty', { sub: '' }],
    ['sub a number', { sub: 42 as unknown as string }],
    ['sub missing', { sub: undefined }],
    ['jti missing', { jti: undefined }],
    ['jti empty', { jti: '' }],
    ['iat missing', { iat: undefined }],
    ['exp missing', { exp: undefined }],
    ['exp a string', { exp: String(now() + 60) as unknown as number }],
  ])('a token signed by us whose claims are malformed: %s', async (_, claims) => {
    await refused(await signed(claims as JWTPayload));
  });

  it('garbage, without throwing', async () => {
    const token = await signed();
    const garbage: unknown[] = [
      '',
      'a',
      '...',
      'a.b.c',
      `${token}.`,
      `${token}.extra`,
      token.split('.').slice(0, 2).join('.'),
      `Bearer ${token}`,
      ` ${token}`,
      'eyJhbGciOiJFUzI1NiJ9.e30.',
      `${b64('just a string')}.${b64({})}.AAAA`,
      `${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${Buffer.from('not json').toString('base64url')}.AAAA`,
      `${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k1', crit: ['exp'] })}.${b64({})}.AAAA`,
      'a.b.c.d.e',
      '\u0000\uffff.\ud800.😀',
      randomBytes(64).toString('base64url'),
      null,
      undefined,
      42,
      {},
      [token],
    ];
    for (const value of garbage) {
      await expect(verifyAccessToken(value as string, KEYS)).resolves.toBeNull();
    }
  });
});

describe('key rotation', () => {
  const before = parseSigningKeys(`k1:${A}`);
  const during = parseSigningKeys(`k2:${B},k1:${A}`);
  const after = parseSigningKeys(`k2:${B}`);

  it('keeps tokens of the second key valid while the first signs new ones', async () => {
    const old = (await issueAccessToken(CLAIMS, before)).token;
    const fresh = (await issueAccessToken(CLAIMS, during)).token;
    expect(decodeProtectedHeader(fresh).kid).toBe('k2');
    expect(await verifyAccessToken(old, during)).toMatchObject(CLAIMS);
    expect(await verifyAccessToken(fresh, during)).toMatchObject(CLAIMS);
    // A token relabelled to the other kid does not pass: each kid verifies with its own key only.
    const [, payload, signature] = old.split('.');
    expect(
      await verifyAccessToken(
        `${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k2' })}.${payload}.${signature}`,
        during,
      ),
    ).toBeNull();
  });

  it('refuses the old key’s tokens once it is removed from the list', async () => {
    const old = (await issueAccessToken(CLAIMS, before)).token;
    expect(await verifyAccessToken(old, after)).toBeNull();
    expect(await verifyAccessToken((await issueAccessToken(CLAIMS, during)).token, after)).toMatchObject(
      CLAIMS,
    );
  });
});

describe('without API_SIGNING_KEY', () => {
  it('fails to issue, naming the variable; verifying fails too (a server fault, not a bad token)', async () => {
    const saved = process.env.API_SIGNING_KEY;
    delete process.env.API_SIGNING_KEY;
    try {
      vi.resetModules();
      const fresh = await import('./access-token');
      await expect(fresh.issueAccessToken(CLAIMS)).rejects.toThrow(/^API_SIGNING_KEY is not set/);
      await expect(fresh.verifyAccessToken(await signed())).rejects.toThrow(/^API_SIGNING_KEY is not set/);
    } finally {
      if (saved !== undefined) process.env.API_SIGNING_KEY = saved;
      vi.resetModules();
    }
  });
});
