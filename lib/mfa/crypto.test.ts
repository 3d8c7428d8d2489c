import { describe, expect, it, vi } from 'vitest';
import { encryptV1 } from '@/tests/legacy-secret';
import {
  decryptSecret,
  encryptSecret,
  isCurrentFormat,
  type Keyring,
  MfaDecryptError,
  parseKeyring,
} from './crypto';

const ENV_KEY = vi.hoisted(() => {
  const key = Buffer.alloc(32, 7).toString('base64');
  process.env.MFA_ENCRYPTION_KEY = key;
  return key;
});

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const USER = '0b9f4c1e-8d2a-4f57-9a3e-6c1d2b7e5f80';
const OTHER_USER = '5e3a7d20-1c4b-4e8f-b6a9-2f0d8c3e1a47';
const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const K1 = key(1);
const K2 = key(2);
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ring = (value: string): Keyring => parseKeyring(value);

/** Flip one bit in one decoded part of the stored string, keeping the encoding valid. */
function tamper(stored: string, index: 2 | 3 | 4): string {
  const parts = stored.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0]! ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

function decryptError(stored: string, keyring: Keyring, userId = USER): MfaDecryptError {
  try {
    decryptSecret(stored, userId, keyring);
  } catch (error) {
    expect(error).toBeInstanceOf(MfaDecryptError);
    return error as MfaDecryptError;
  }
  throw new Error('decryptSecret did not throw');
}

describe('encryptSecret / decryptSecret', () => {
  const keyring = ring(`k1:${K1}`);

  it('round-trips, in the self-describing v2 format', () => {
    const stored = encryptSecret(SECRET, USER, keyring);
    expect(isCurrentFormat(stored)).toBe(true);
    expect(stored).toMatch(/^v2\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(decryptSecret(stored, USER, keyring)).toBe(SECRET);
    expect(decryptSecret(encryptSecret('', USER, keyring), USER, keyring)).toBe('');
    expect(decryptSecret(encryptSecret('pâté 🔑', USER, keyring), USER, keyring)).toBe('pâté 🔑');
  });

  it('uses a fresh random IV: the same plaintext encrypts differently every time', () => {
    const stored = Array.from({ length: 20 }, () => encryptSecret(SECRET, USER, keyring));
    expect(new Set(stored).size).toBe(20);
    expect(new Set(stored.map((s) => s.split('.')[2])).size).toBe(20);
    for (const s of stored) expect(decryptSecret(s, USER, keyring)).toBe(SECRET);
  });

  it('leaves nothing readable in a database dump', () => {
    const stored = encryptSecret(SECRET, USER, keyring);
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(SECRET.slice(0, 8));
    expect(stored).not.toContain(Buffer.from(SECRET).toString('base64url').slice(0, 8));
    expect(stored).not.toContain(K1);
  });

  it.each([
    ['iv', 2],
    ['ciphertext', 3],
    ['tag', 4],
  ] as const)('refuses a flipped bit in the %s', (_, index) => {
    const stored = encryptSecret(SECRET, USER, keyring);
    expect(decryptError(tamper(stored, index), keyring).reason).toBe('authentication-failed');
  });

  it('refuses a ciphertext that is cut short or extended', () => {
    const stored = encryptSecret(SECRET, USER, keyring);
    const parts = stored.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    for (const changed of [ct.subarray(0, ct.length - 1), Buffer.concat([ct, Buffer.from([0])])]) {
      const altered = [...parts.slice(0, 3), changed.toString('base64url'), parts[4]].join('.');
      expect(decryptError(altered, keyring).reason).toBe('authentication-failed');
    }
  });

  it.each([
    ['empty string', ''],
    ['plain text', SECRET],
    ['unknown version', (s: string) => s.replace(/^v2\./, 'v3.')],
    ['missing part', (s: string) => s.split('.').slice(0, 4).join('.')],
    ['extra part', (s: string) => `${s}.AAAA`],
    // A 12-byte tag, validly encoded: GCM would check only those bytes, making forgery easier.
    [
      'truncated tag',
      (s: string) =>
        s.replace(/[^.]+$/, (t) => Buffer.from(t, 'base64url').subarray(0, 12).toString('base64url')),
    ],
    ['short iv', (s: string) => s.replace(/^(v2\.k1\.)[^.]{4}/, '$1')],
    ['non-base64url characters', (s: string) => s.replace(/^(v2\.k1\.)/, '$1+')],
    ['invalid key id', (s: string) => s.replace(/^v2\.k1\./, 'v2.k 1.')],
    // The tag's last character carries 2 data bits and 4 unused ones; setting an unused bit keeps the
    // bytes but changes the text, which a lenient decoder would accept.
    ['non-canonical base64url', (s: string) => `${s.slice(0, -1)}${B64URL[B64URL.indexOf(s.at(-1)!) ^ 1]}`],
  ])('refuses malformed input: %s', (_, change) => {
    const stored = typeof change === 'string' ? change : change(encryptSecret(SECRET, USER, keyring));
    expect(decryptError(stored, keyring).reason).toBe('malformed');
  });

  it('refuses a key id it does not have', () => {
    const stored = encryptSecret(SECRET, USER, ring(`k9:${K1}`));
    expect(decryptError(stored, keyring).reason).toBe('unknown-key');
  });

  it('refuses a ciphertext relabelled to another key id, even one holding the same key (AAD)', () => {
    const sameKeyTwice = ring(`k1:${K1},k2:${K1}`);
    const stored = encryptSecret(SECRET, USER, sameKeyTwice);
    expect(stored.startsWith('v2.k1.')).toBe(true);
    expect(decryptSecret(stored, USER, sameKeyTwice)).toBe(SECRET);
    const moved = stored.replace(/^v2\.k1\./, 'v2.k2.');
    expect(decryptError(moved, sameKeyTwice).reason).toBe('authentication-failed');
  });

  it('refuses a ciphertext under the right id but the wrong key', () => {
    const stored = encryptSecret(SECRET, USER, keyring);
    expect(decryptError(stored, ring(`k1:${K2}`)).reason).toBe('authentication-failed');
  });
});

describe('bound to its user (v2)', () => {
  const keyring = ring(`k1:${K1}`);

  it("refuses another user's ciphertext: the user id is authenticated", () => {
    const stored = encryptSecret(SECRET, USER, keyring);
    expect(decryptError(stored, keyring, OTHER_USER).reason).toBe('authentication-failed');
    // Nor does a user id that merely extends the right one pass.
    expect(decryptError(stored, keyring, `${USER}.x`).reason).toBe('authentication-failed');
  });

  it('refuses a v2 ciphertext relabelled v1 (the version is authenticated too)', () => {
    const stored = encryptSecret(SECRET, USER, keyring);
    expect(decryptError(stored.replace(/^v2\./, 'v1.'), keyring).reason).toBe('authentication-failed');
  });

  it('refuses to encrypt for no user', () => {
    expect(() => encryptSecret(SECRET, '', keyring)).toThrow(/user id/);
  });
});

describe('v1 secrets (before user binding)', () => {
  const keyring = ring(`k1:${K1}`);

  it('still decrypt, whatever the user id, and are marked for re-encryption', () => {
    const legacy = encryptV1(SECRET, keyring);
    expect(legacy.startsWith('v1.k1.')).toBe(true);
    expect(isCurrentFormat(legacy)).toBe(false);
    expect(decryptSecret(legacy, USER, keyring)).toBe(SECRET);
    expect(decryptSecret(legacy, OTHER_USER, keyring)).toBe(SECRET);
  });

  it('are authenticated as before: a flipped bit fails', () => {
    const legacy = encryptV1(SECRET, keyring);
    expect(decryptError(tamper(legacy, 3), keyring).reason).toBe('authentication-failed');
  });

  it('under a key that has since rotated out of first place, still decrypt', () => {
    const legacy = encryptV1(SECRET, ring(`k1:${K1}`));
    expect(decryptSecret(legacy, USER, ring(`k2:${K2},k1:${K1}`))).toBe(SECRET);
  });
});

describe('key rotation', () => {
  it('decrypts old secrets with the old key and encrypts new ones with the first key', () => {
    const before = ring(`k1:${K1}`);
    const after = ring(`k2:${K2},k1:${K1}`);
    const old = encryptSecret(SECRET, USER, before);

    expect(decryptSecret(old, USER, after)).toBe(SECRET);
    const fresh = encryptSecret(SECRET, USER, after);
    expect(fresh.startsWith('v2.k2.')).toBe(true);
    expect(decryptSecret(fresh, USER, after)).toBe(SECRET);
    // Re-encrypted under k2, the secret no longer needs k1, and the old keyring cannot read it.
    expect(decryptSecret(fresh, USER, ring(`k2:${K2}`))).toBe(SECRET);
    expect(decryptError(fresh, before).reason).toBe('unknown-key');
  });
});

describe('parseKeyring', () => {
  it('gives a bare key the id k0', () => {
    const [only, ...rest] = parseKeyring(` ${K1} `);
    expect(only.id).toBe('k0');
    expect(only.key).toEqual(Buffer.alloc(32, 1));
    expect(rest).toEqual([]);
  });

  it('reads a list in order, the first key first', () => {
    const keyring = parseKeyring(`new_2024-b:${K2}, old:${K1}`);
    expect(keyring.map((k) => k.id)).toEqual(['new_2024-b', 'old']);
    expect(keyring[0].key).toEqual(Buffer.alloc(32, 2));
    expect(keyring[1]!.key).toEqual(Buffer.alloc(32, 1));
  });

  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['16-byte key', Buffer.alloc(16).toString('base64')],
    ['33-byte key', Buffer.alloc(33).toString('base64')],
    ['hex key', Buffer.alloc(32).toString('hex')],
    ['base64url key', Buffer.alloc(32, 0xfb).toString('base64url')],
    ['unpadded key', K1.replace(/=+$/, '')],
    ['list entry without id', `k1:${K1},${K2}`],
    ['two bare keys', `${K1},${K2}`],
    ['empty id', `:${K1}`],
    ['id with a dot', `k.1:${K1}`],
    ['id too long', `${'a'.repeat(17)}:${K1}`],
    ['duplicate id', `k1:${K1},k1:${K2}`],
    ['trailing comma', `k1:${K1},`],
    ['empty key', 'k1:'],
  ])('refuses %s, naming MFA_ENCRYPTION_KEY and not the key', (_, value) => {
    expect(() => parseKeyring(value)).toThrow(/MFA_ENCRYPTION_KEY/);
    try {
      parseKeyring(value);
    } catch (error) {
      expect((error as Error).message).not.toContain(K1);
      expect((error as Error).message).not.toContain(K2);
    }
  });
});

describe('default keyring from the environment', () => {
  it('encrypts and decrypts with MFA_ENCRYPTION_KEY when no keyring is passed', () => {
    const stored = encryptSecret(SECRET, USER);
    expect(stored.startsWith('v2.k0.')).toBe(true);
    expect(decryptSecret(stored, USER)).toBe(SECRET);
    expect(decryptSecret(stored, USER, parseKeyring(ENV_KEY))).toBe(SECRET);
    expect(() => decryptSecret(encryptSecret(SECRET, USER, ring(`k0:${K1}`)), USER)).toThrow(MfaDecryptError);
  });
});
