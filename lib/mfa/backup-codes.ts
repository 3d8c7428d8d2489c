import 'server-only';
import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ARGON2_PARAMS } from '@/lib/crypto/argon2';
import { BACKUP_CODE_ALPHABET, BACKUP_CODE_LENGTH, normalizeBackupCode } from './code-shapes';

export const BACKUP_CODE_COUNT = 10;

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

export function hashBackupCode(normalized: string): Promise<string> {
  // A formatted or lower-case code would hash to something no later input could match.
  if (normalizeBackupCode(normalized) !== normalized) {
    return Promise.reject(new Error('hashBackupCode expects a code from normalizeBackupCode'));
  }
  return hash(normalized, ARGON2_PARAMS);
}

export async function verifyBackupCode(normalized: string, storedHash: string): Promise<boolean> {
  if (normalizeBackupCode(normalized) !== normalized) return false;
  try {
    return await verify(storedHash, normalized);
  } catch {
    return false; // a corrupt stored hash matches nothing
  }
}
