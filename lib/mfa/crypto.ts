import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { env } from '@/lib/env';

/**
 * TOTP secrets at rest: AES-256-GCM, so a database dump or backup alone does not yield the seeds
 * (they cannot be hashed: the server needs them to compute codes).
 *
 * Stored form: `v2.<keyId>.<iv>.<ciphertext>.<tag>` (base64url). The key id says which key of
 * MFA_ENCRYPTION_KEY decrypts it, so keys can rotate: the first key encrypts, all decrypt.
 *
 * v2 binds the ciphertext to its user: the user id is authenticated data, so a ciphertext copied
 * onto another user's row (by anyone who can write to the database) fails to decrypt there,
 * instead of letting the copier pass that user's second step with their own authenticator.
 * v1 (no user id) is still read, only so that lib/mfa/totp-factor.ts can re-encrypt it as v2.
 */

export type MfaKey = { readonly id: string; readonly key: Buffer };
/** First entry encrypts; every entry decrypts. */
export type Keyring = readonly [MfaKey, ...MfaKey[]];

const VERSION = 'v2';
const LEGACY = 'v1';
const IV_BYTES = 12; // 96 bits: the GCM nonce size NIST SP 800-38D recommends
const TAG_BYTES = 16;
const KEY_BYTES = 32;
// No '.' allowed: it separates the parts of the stored string.
const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export class MfaDecryptError extends Error {
  constructor(readonly reason: 'malformed' | 'unknown-key' | 'authentication-failed') {
    // Never include the stored value: it would put ciphertext (and key ids) into logs.
    super(`Cannot decrypt MFA secret: ${reason}`);
    this.name = 'MfaDecryptError';
  }
}

function decodeKey(id: string, b64: string): Buffer {
  const key = BASE64.test(b64) ? Buffer.from(b64, 'base64') : undefined;
  if (!key || key.length !== KEY_BYTES || key.toString('base64') !== b64) {
    // The key itself stays out of the message.
    throw new Error(`MFA_ENCRYPTION_KEY: key "${id}" must be ${KEY_BYTES} bytes, base64`);
  }
  return key;
}

/**
 * `base64key` (id `k0`) or `id:base64key,id:base64key,…`. Throws, naming the variable, on anything
 * else: a half-parsed keyring would encrypt with the wrong key or fail to decrypt existing secrets.
 */
export function parseKeyring(value: string | undefined): Keyring {
  const trimmed = value?.trim();
  if (!trimmed) {
    throw new Error(
      'MFA_ENCRYPTION_KEY is not set: it needs a 32-byte base64 key (or a list id:key,id:key) to encrypt TOTP secrets',
    );
  }
  if (!trimmed.includes(':') && !trimmed.includes(',')) return [{ id: 'k0', key: decodeKey('k0', trimmed) }];

  const keys: MfaKey[] = [];
  for (const entry of trimmed.split(',')) {
    const part = entry.trim();
    const colon = part.indexOf(':');
    const id = colon === -1 ? '' : part.slice(0, colon);
    if (!KEY_ID.test(id)) {
      throw new Error(
        'MFA_ENCRYPTION_KEY: every entry of a key list must be id:key, id matching [A-Za-z0-9_-]{1,16}',
      );
    }
    if (keys.some((k) => k.id === id)) throw new Error(`MFA_ENCRYPTION_KEY: key id "${id}" appears twice`);
    keys.push({ id, key: decodeKey(id, part.slice(colon + 1)) });
  }
  const [first, ...rest] = keys;
  if (!first) throw new Error('MFA_ENCRYPTION_KEY: the key list is empty');
  return [first, ...rest];
}

let cached: Keyring | undefined;

function defaultKeyring(): Keyring {
  cached ??= parseKeyring(env().MFA_ENCRYPTION_KEY);
  return cached;
}

/**
 * The version and key id are authenticated, so a ciphertext relabelled to another key (or back
 * to v1) fails; so is the user id, from v2 on. Key ids hold no '.', so the string is unambiguous.
 */
function aad(version: string, keyId: string, userId: string): Buffer {
  return Buffer.from(version === LEGACY ? `${LEGACY}.${keyId}` : `${version}.${keyId}.${userId}`, 'utf8');
}

/** Encrypt a user's secret, bound to that user: it decrypts only with the same user id. */
export function encryptSecret(
  plaintext: string,
  userId: string,
  keyring: Keyring = defaultKeyring(),
): string {
  // An empty id would bind the secret to no one in particular: a bug, not a user.
  if (!userId) throw new Error('encryptSecret: the user id is missing');
  const { id, key } = keyring[0];
  // A fresh random nonce per call: reusing a GCM nonce under one key leaks plaintext and the auth key.
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(VERSION, id, userId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    id,
    iv.toString('base64url'),
    ciphertext.toString('base64url'),
    tag.toString('base64url'),
  ].join('.');
}

/** Strict: Buffer.from ignores stray characters, which would let altered text decode unnoticed. */
function decodePart(part: string, bytes?: number): Buffer {
  const buf = BASE64URL.test(part) ? Buffer.from(part, 'base64url') : undefined;
  if (!buf || buf.toString('base64url') !== part || (bytes !== undefined && buf.length !== bytes)) {
    throw new MfaDecryptError('malformed');
  }
  return buf;
}

/** False for a v1 secret, which the caller should re-encrypt (encryptSecret) now that it has it. */
export function isCurrentFormat(stored: string): boolean {
  return stored.startsWith(`${VERSION}.`);
}

/**
 * The secret of `userId`: a v2 secret stored on another user's row fails ('authentication-failed').
 * A v1 secret is not bound to anyone; it decrypts as before, for re-encryption.
 */
export function decryptSecret(stored: string, userId: string, keyring: Keyring = defaultKeyring()): string {
  const parts = typeof stored === 'string' ? stored.split('.') : [];
  const [version = '', id = '', ivPart = '', ciphertextPart = '', tagPart = ''] = parts;
  if (parts.length !== 5 || (version !== VERSION && version !== LEGACY))
    throw new MfaDecryptError('malformed');
  if (!KEY_ID.test(id)) throw new MfaDecryptError('malformed');
  const iv = decodePart(ivPart, IV_BYTES);
  const ciphertext = decodePart(ciphertextPart);
  // Exactly 16 bytes: GCM would otherwise accept a truncated tag, which is easier to forge.
  const tag = decodePart(tagPart, TAG_BYTES);
  const entry = keyring.find((k) => k.id === id);
  if (!entry) throw new MfaDecryptError('unknown-key');
  try {
    const decipher = createDecipheriv('aes-256-gcm', entry.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(version, id, userId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new MfaDecryptError('authentication-failed');
  }
}
