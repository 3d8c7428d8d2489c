import 'server-only';
import { randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ARGON2_PARAMS, DUMMY_ARGON2_HASH } from '@/lib/crypto/argon2';
import { BACKUP_CODE_ALPHABET, BACKUP_CODE_LENGTH, normalizeBackupCode } from './code-shapes';

export const BACKUP_CODE_COUNT = 10;

function randomCode(): string {
  let code = '';
  // randomInt draws from the OS CSPRNG without modulo bias.
  for (let i = 0; i < BACKUP_CODE_LENGTH; i++)
    code += BACKUP_CODE_ALPHABET[randomInt(BACKUP_CODE_ALPHABET.length)];
  return code;
}

/** How many leading characters of a normalized code are stored in clear as its lookup. */
export const BACKUP_CODE_LOOKUP_LENGTH = 2;

/**
 * The non-secret part of a normalized code, stored beside its hash so a typed code is checked
 * against the one row that can match, not every unused one: 2 of 32 symbols, 10 bits. The
 * trade-off: a leaked table tells an offline attacker 10 of each code's 50 bits, leaving 40 bits
 * behind argon2id; online, guessing is no easier (a guess still has to be the whole code).
 */
export function backupCodeLookup(normalized: string): string {
  return normalized.slice(0, BACKUP_CODE_LOOKUP_LENGTH);
}

/**
 * Ten codes, formatted `XXXXX-XXXXX` for display. Shown once; only hashes (and lookups) are stored.
 * Their lookups are distinct, so at most one unused row can match a typed code: a code whose
 * lookup is taken is drawn again (which also makes the codes distinct).
 */
export function generateBackupCodes(): string[] {
  const byLookup = new Map<string, string>();
  while (byLookup.size < BACKUP_CODE_COUNT) {
    const code = randomCode();
    const lookup = backupCodeLookup(code);
    if (!byLookup.has(lookup)) byLookup.set(lookup, code);
  }
  return [...byLookup.values()].map((c) => `${c.slice(0, 5)}-${c.slice(5)}`);
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

/**
 * The work of one verifyBackupCode with nothing to match (no row has the typed code's lookup):
 * one argon2id verification against a dummy hash of the same parameters, so a guess costs, and
 * takes, the same whether or not its first 2 characters belong to one of the account's codes.
 * Always false.
 */
export async function verifyNoBackupCode(normalized: string): Promise<false> {
  await verifyBackupCode(normalized, DUMMY_ARGON2_HASH);
  return false;
}
