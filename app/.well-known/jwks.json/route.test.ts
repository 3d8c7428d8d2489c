import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { issueAccessToken } from '@/lib/api/access-token';
import { parseSigningKeys } from '@/lib/api/signing-keys';
import { env } from '@/lib/env';
import { GET } from './route';

// Mid-rotation, set before the settings are first read: k2 signs, k1 (the previous key) still verifies.
const { p256, OLD_KEY } = await vi.hoisted(async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const p256 = () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64url');
  const OLD_KEY = p256();
  process.env.API_SIGNING_KEY = `k2:${p256()},k1:${OLD_KEY}`;
  return { p256, OLD_KEY };
});

const CLAIMS = { sub: 'user-1', sid: 'ab'.repeat(32), amr: ['pwd' as const] };

describe('GET /.well-known/jwks.json', () => {
  it('answers the public keys as JSON, cacheable for five minutes', async () => {
    const response = GET();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    const body = await response.json();
    expect(body.keys.map((k: { kid: string }) => k.kid)).toEqual(['k2', 'k1']);
    for (const key of body.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
  });

  it('verifies tokens the way another service would: from this output alone, old key and new', async () => {
    const jwks = createLocalJWKSet(await GET().json());
    const verify = (token: string) =>
      jwtVerify(token, jwks, { issuer: env().APP_URL, algorithms: ['ES256'], typ: 'at+jwt' });

    const fresh = await issueAccessToken(CLAIMS);
    const { payload, protectedHeader } = await verify(fresh.token);
    expect(protectedHeader.kid).toBe('k2');
    expect(payload).toMatchObject(CLAIMS);

    // Signed before the rotation, by the key now listed second.
    const old = await issueAccessToken(CLAIMS, parseSigningKeys(`k1:${OLD_KEY}`));
    await expect(verify(old.token)).resolves.toBeTruthy();

    // A key the JWKS does not list, under a kid it does: refused.
    const stranger = await issueAccessToken(CLAIMS, parseSigningKeys(`k1:${p256()}`));
    await expect(verify(stranger.token)).rejects.toThrow();
  });
});
