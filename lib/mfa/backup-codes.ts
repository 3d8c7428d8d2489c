import 'server-only';
import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Crockford's base32 alphabet: no I, L, O (read as 1, 1, 0) and no U. 32 symbols, so each one
 * carries exactly 5 bits; 10 of them give 50 bits per code.
 */
export const BACKUP_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const BACKUP_CODE_LENGTH = 10;
export const BACKUP_CODE_COUNT = 10;

/**
 * 50 bits is below the 112 bits under which NIST SP 800-63B §5.1.2.2 (look-up secrets) and
 * ASVS v4 6.5.2 require a salted, slow password hash rather than a plain one: a leaked table of
 * SHA-256 hashes of 50-bit codes could be brute-forced. So argon2id at the OWASP minimum
 * (m=19 MiB, t=2, p=1), as for passwords (lib/auth/password.ts).
 */
const PARAMS = {
  algorithm: 2 /* Algorithm.Argon2id (a const enum, so not importable here) */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

const NORMALIZED = new RegExp(`^[${BACKUP_CODE_ALPHABET}]{${BACKUP_CODE_LENGTH}}$`);
// Hyphens pasted from word processors or PDFs often come back as Unicode dashes.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

function randomCode(): string {
  let code = '';
  // randomInt draws from the OS CSPRNG without modulo bias.
  for (let i = 0; i < BACKUP_CODE_LENGTH; i++)
    code += BACKUP_CODE_ALPHABET[randomInt(BACKUP_CODE_ALPHABET.length)];
  return code;
}

/** Ten distinct codes, formatted `XXXXX-XXXXX` for display. Shown once; only hashes are stored. */
export function generateBackupCodes(): string[] {
  const codes = new Set<string>();
  while (codes.size < BACKUP_CODE_COUNT) codes.add(randomCode());
  return [...codes].map((c) => `${c.slice(0, 5)}-${c.slice(5)}`);
}

/**
 * The canonical form that is hashed: upper case, no separators, Crockford look-alikes mapped
 * (O→0, I/L→1) so a misread code still works. Anything else is null.
 */
export function normalizeBackupCode(input: string): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const stripped = input.replace(SEPARATORS, '');
  // ASCII first: toUpperCase maps some non-ASCII letters (ı, ſ) onto ASCII ones.
  if (!/^[A-Za-z0-9]+$/.test(stripped)) return null;
  const code = stripped.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return NORMALIZED.test(code) ? code : null;
}

export function hashBackupCode(normalized: string): Promise<string> {
  // A formatted or lower-case code would hash to something no later input could match.
  if (normalizeBackupCode(normalized) !== normalized) {
    return Promise.reject(new Error('hashBackupCode expects a code from normalizeBackupCode'));
  }
  return hash(normalized, PARAMS);
}

export async function verifyBackupCode(normalized: string, storedHash: string): Promise<boolean> {
  if (normalizeBackupCode(normalized) !== normalized) return false;
  try {
    return await verify(storedHash, normalized);
  } catch {
    return false; // a corrupt stored hash matches nothing
  }
}
