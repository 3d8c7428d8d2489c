import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSigningKeys, publicJwks, SIGNING_ALG, signingKeys } from './signing-keys';

type KeyPair = ReturnType<typeof generateKeyPairSync>;
const der = (pair: { privateKey: KeyPair['privateKey'] }) =>
  pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url');
const p256 = () => der(generateKeyPairSync('ec', { namedCurve: 'P-256' }));
/** The public key of a base64url PKCS#8 key, derived apart from the code under test. */
const publicOf = (key: string) =>
  createPublicKey(createPrivateKey({ key: Buffer.from(key, 'base64url'), format: 'der', type: 'pkcs8' }));

/** tests/setup.ts sets API_SIGNING_KEY (unless the environment already has one). */
const envKids = () => (process.env.API_SIGNING_KEY ?? '').split(',').map((e) => e.trim().split(':')[0]);

/** The message parseSigningKeys throws, or null when it accepts the value. */
function refusal(value: string | undefined): string | null {
  try {
    parseSigningKeys(value);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('parseSigningKeys', () => {
  it('signs with the first key and verifies with every key, each public key derived from its private one', () => {
    const [a, b] = [p256(), p256()];
    const keys = parseSigningKeys(`new:${a},old:${b}`);
    expect(keys.signing.kid).toBe('new');
    expect(keys.signing.privateKey.type).toBe('private');
    expect([...keys.verifying.keys()]).toEqual(['new', 'old']);
    for (const [kid, key] of [
      ['new', a],
      ['old', b],
    ] as const) {
      const expected = publicOf(key);
      const publicKey = keys.verifying.get(kid);
      expect(publicKey?.type).toBe('public');
      expect(publicKey?.equals(expected)).toBe(true);
    }
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('says API_SIGNING_KEY is missing when it is %s', (_, value) => {
    expect(refusal(value)).toMatch(/^API_SIGNING_KEY is not set/);
  });

  const rsa = () => der(generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const p384 = () => der(generateKeyPairSync('ec', { namedCurve: 'P-384' }));
  const secp256k1 = () => der(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }));
  const ed25519 = () => der(generateKeyPairSync('ed25519'));
  const spki = () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64url');
  const sec1 = () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'der', type: 'sec1' })
      .toString('base64url');
  it.each([
    ['an RSA key', () => `k1:${rsa()}`],
    ['a P-384 key', () => `k1:${p384()}`],
    ['a secp256k1 key (ES256K, not ES256)', () => `k1:${secp256k1()}`],
    ['an Ed25519 key', () => `k1:${ed25519()}`],
    ['a public key (SPKI) instead of the private one', () => `k1:${spki()}`],
    // What `openssl genpkey -outform DER` writes for an EC key (OpenSSL 3.0).
    ['a SEC1 key, not PKCS#8', () => `k1:${sec1()}`],
    ['a truncated key', () => `k1:${p256().slice(0, 60)}`],
    ['bytes that are no key', () => `k1:${Buffer.alloc(138, 1).toString('base64url')}`],
    ['a good first key and a bad second one', () => `k1:${p256()},k0:${p384()}`],
    ['a list with a malformed entry', () => `k1:${p256()},oops`],
  ])('refuses %s, naming API_SIGNING_KEY and not the key', (_, make) => {
    const value = make();
    const message = refusal(value);
    expect(message).toMatch(/^Invalid settings:\n {2}API_SIGNING_KEY: /);
    for (const entry of value.split(',')) {
      const key = entry.slice(entry.indexOf(':') + 1);
      if (key.length >= 16) expect(message).not.toContain(key.slice(0, 16));
    }
  });

  it('reads API_SIGNING_KEY through the settings, once', () => {
    expect(signingKeys().signing.kid).toBe(envKids()[0]);
    expect(signingKeys()).toBe(signingKeys());
  });
});

describe('publicJwks', () => {
  it('lists every key with its kid, ES256 and use sig, and only public members', () => {
    const privateKeys: Record<string, string> = { k2: p256(), k1: p256() };
    const jwks = publicJwks(parseSigningKeys(`k2:${privateKeys.k2},k1:${privateKeys.k1}`));
    expect(jwks.keys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    for (const jwk of jwks.keys) {
      expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: SIGNING_ALG, use: 'sig' });
      // The public point of the private key of that kid, nothing else.
      const fromPrivate = publicOf(privateKeys[jwk.kid]!).export({ format: 'jwk' });
      expect({ x: jwk.x, y: jwk.y }).toEqual({ x: fromPrivate.x, y: fromPrivate.y });
    }
    const text = JSON.stringify(jwks);
    expect(text).not.toMatch(/"d"/);
    expect(text).not.toMatch(/"(p|q|dp|dq|qi|k)"/);
  });

  it('serves the configured keys by default', () => {
    expect(publicJwks().keys.map((k) => k.kid)).toEqual(envKids());
    expect(JSON.stringify(publicJwks())).not.toContain('"d"');
  });
});
