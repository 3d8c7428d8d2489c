import 'server-only';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { env, signingKeyList } from '@/lib/env';

/**
 * The keys of API_SIGNING_KEY (`kid:key,…`, each key a base64url PKCS#8 DER P-256 private key).
 * The first signs access tokens; every one verifies, so keys rotate without cutting tokens short
 * (README, "API tokens").
 */

export const SIGNING_ALG = 'ES256';

export type SigningKeys = {
  readonly signing: { readonly kid: string; readonly privateKey: KeyObject };
  /** Public keys by kid: a token names its key, and only these are tried. */
  readonly verifying: ReadonlyMap<string, KeyObject>;
  readonly jwks: PublicJwks;
};

/** What another service fetches to verify tokens offline: public members only. */
export type PublicJwk = {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: typeof SIGNING_ALG;
  readonly use: 'sig';
};
export type PublicJwks = { readonly keys: readonly PublicJwk[] };

// Worded like lib/env.ts's messages, so a bad key reads the same at start-up as any bad setting.
const invalid = (message: string) => new Error(`Invalid settings:\n  API_SIGNING_KEY: ${message}`);

function privateKeyOf(kid: string, key: string): KeyObject {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(key, 'base64url'), format: 'der', type: 'pkcs8' });
  } catch {
    // OpenSSL's own message is dropped: nothing about the key's bytes goes into a log.
    throw invalid(`key "${kid}" is not a PKCS#8 DER private key`);
  }
  // ES256 is ECDSA over P-256 and nothing else (RFC 7518 §3.4): any other key would sign tokens
  // no verifier accepts, or tokens under another algorithm than the one we verify.
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw invalid(`key "${kid}" must be an EC P-256 private key (ES256)`);
  }
  return privateKey;
}

/** An explicit list of members, so a private member (`d`) cannot reach the JWKS by accident. */
function publicJwk(kid: string, publicKey: KeyObject): PublicJwk {
  const { x, y } = publicKey.export({ format: 'jwk' });
  if (!x || !y) throw new Error(`API_SIGNING_KEY: key "${kid}" has no public point`);
  return Object.freeze({ kty: 'EC', crv: 'P-256', x, y, kid, alg: SIGNING_ALG, use: 'sig' });
}

/** Throws, naming the variable and never a key, on anything but a list of P-256 private keys. */
export function parseSigningKeys(value: string | undefined): SigningKeys {
  if (!value?.trim()) {
    throw new Error(
      'API_SIGNING_KEY is not set: /api/v1 access tokens need it (kid:key, the key a base64url PKCS#8 DER P-256 private key; `npm run dev` generates one into .env.local)',
    );
  }
  let entries: ReturnType<typeof signingKeyList>;
  try {
    entries = signingKeyList(value);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  const parsed = entries.map(({ kid, key }) => {
    const privateKey = privateKeyOf(kid, key);
    return { kid, privateKey, publicKey: createPublicKey(privateKey) };
  });
  const [first] = parsed;
  if (!first) throw invalid('the key list is empty');
  return {
    signing: { kid: first.kid, privateKey: first.privateKey },
    verifying: new Map(parsed.map(({ kid, publicKey }) => [kid, publicKey])),
    jwks: Object.freeze({
      keys: Object.freeze(parsed.map(({ kid, publicKey }) => publicJwk(kid, publicKey))),
    }),
  };
}

let cached: SigningKeys | undefined;

/** Parsed once per process; instrumentation.ts calls it at start-up, so a bad key stops the server. */
export function signingKeys(): SigningKeys {
  cached ??= parseSigningKeys(env().API_SIGNING_KEY);
  return cached;
}

export function publicJwks(keys: SigningKeys = signingKeys()): PublicJwks {
  return keys.jwks;
}
