import 'server-only';
import { and, count, eq, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { type Db, db } from '@/lib/db/client';
import { backupCodes, totpFactors } from '@/lib/db/schema';
import {
  backupCodeLookup,
  generateBackupCodes,
  hashBackupCode,
  verifyBackupCode,
  verifyNoBackupCode,
} from './backup-codes';
import { normalizeBackupCode } from './code-shapes';
import type { SecondFactor } from './factor';

/**
 * The backup-code factor: the only module that reads or writes its rows. Codes are shown once,
 * when issued; only argon2id hashes are kept, each with its lookup (first 2 characters).
 */

/**
 * A new set of codes, hashed ahead (ten argon2id hashes take a while, and must not hold a
 * transaction open); `store` replaces the account's whole set inside the caller's transaction.
 */
export async function prepareBackupCodes(
  userId: string,
): Promise<{ codes: string[]; store: (tx: Db) => Promise<void> }> {
  const codes = generateBackupCodes();
  const rows = await Promise.all(
    codes.map(async (c) => {
      const normalized = normalizeBackupCode(c) ?? c;
      return { userId, codeHash: await hashBackupCode(normalized), lookup: backupCodeLookup(normalized) };
    }),
  );
  return {
    codes,
    store: async (tx) => {
      await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
      await tx.insert(backupCodes).values(rows);
    },
  };
}

/**
 * Replace the whole set of backup codes; the old ones stop working at once. `alongside` runs in
 * the same transaction (the caller's audit event).
 */
export async function regenerateBackupCodes(
  userId: string,
  alongside?: (tx: Db) => Promise<void>,
): Promise<string[]> {
  const issue = await prepareBackupCodes(userId);
  const database = await db();
  await database.transaction(async (tx) => {
    await issue.store(tx);
    await alongside?.(tx);
  });
  return issue.codes;
}

/** Unused codes of an account whose two-factor is on. */
export async function backupCodesLeft(userId: string, executor?: Db): Promise<number> {
  const database = executor ?? (await db());
  const [left] = await database
    .select({ n: count() })
    .from(backupCodes)
    .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
  return left?.n ?? 0;
}

/**
 * Check a backup code and spend it: the matching row is marked used by one conditional UPDATE
 * (`used_at IS NULL`), so of concurrent uses of one code exactly one succeeds.
 * Returns the number of codes left after a success, or null.
 */
export async function spendBackupCode(userId: string, code: string): Promise<{ left: number } | null> {
  const match = await matchBackupCode(userId, code);
  if (!match) return null;
  const database = await db();
  // The count in RETURNING reads the statement's snapshot, from before this code was spent. (Two
  // codes spent at the same instant may each count the other as unused: the figure is for the
  // owner's notice, and the next use counts right.)
  const [spent] = await database
    .update(backupCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(backupCodes.id, match.id), isNull(backupCodes.usedAt)))
    .returning({
      unusedBefore: sql<number>`(select count(*)::int from ${backupCodes} where ${backupCodes.userId} = ${userId} and ${backupCodes.usedAt} is null)`,
    });
  if (!spent) return null;
  return { left: Math.max(0, Number(spent.unusedBefore) - 1) };
}

/**
 * The checking half of spendBackupCode, spending nothing: the unused code row it matches, or null.
 * Step-up runs it when the password was already wrong, so both failures cost the same argon2 work.
 *
 * One argon2id verification per try, right or wrong: the only candidate is the unused row whose
 * lookup is the typed code's first 2 characters (lookups are distinct within a set), and when no
 * row has it, a dummy hash is verified instead, so neither the cost nor the time tells which
 * prefixes exist. Rows issued before lookups (lookup NULL) cannot be narrowed down: they are
 * verified one by one, as before, at most ten (one set), until the account regenerates its codes
 * (a new set replaces every old row).
 */
export async function matchBackupCode(userId: string, code: string): Promise<{ id: string } | null> {
  const normalized = normalizeBackupCode(code);
  if (!normalized) return null;
  const database = await db();
  const candidates = await database
    .select({ id: backupCodes.id, codeHash: backupCodes.codeHash, lookup: backupCodes.lookup })
    .from(backupCodes)
    .innerJoin(totpFactors, and(eq(totpFactors.userId, backupCodes.userId), isNotNull(totpFactors.enabledAt)))
    .where(
      and(
        eq(backupCodes.userId, userId),
        isNull(backupCodes.usedAt),
        or(eq(backupCodes.lookup, backupCodeLookup(normalized)), isNull(backupCodes.lookup)),
      ),
    );
  if (candidates.length === 0) {
    await verifyNoBackupCode(normalized);
    return null;
  }
  // The row with the lookup first; then any legacy rows, one verification at a time, stopping at
  // the match (a use costs one worker thread, not all of them).
  candidates.sort((a, b) => Number(a.lookup === null) - Number(b.lookup === null));
  for (const candidate of candidates) {
    if (await verifyBackupCode(normalized, candidate.codeHash)) return { id: candidate.id };
  }
  return null;
}

export const backupCodeFactor = {
  id: 'backup',
  normalize: normalizeBackupCode,
  spend: async (userId, normalized) => {
    const spent = await spendBackupCode(userId, normalized);
    return spent ? { method: 'backup', left: spent.left } : null;
  },
  check: async (userId, normalized) => (await matchBackupCode(userId, normalized)) !== null,
} as const satisfies SecondFactor;
