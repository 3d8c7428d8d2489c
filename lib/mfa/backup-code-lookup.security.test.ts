import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DUMMY_ARGON2_HASH } from '@/lib/crypto/argon2';
import { db } from '@/lib/db/client';
import { backupCodes } from '@/lib/db/schema';
import { makeUser, setupIntegration } from '@/tests/integration';
import { backupCodeRows, enrolledUser, freezeClock } from '@/tests/mfa';

// Every argon2id verification, with the hash it was asked to check.
vi.mock('@node-rs/argon2', () => import('@/tests/argon2-calls'));
const { verifiedHashes } = await import('@/tests/argon2-calls');

const { matchBackupCode, regenerateBackupCodes, spendBackupCode } = await import('./backup-code-factor');
const { BACKUP_CODE_ALPHABET, normalizeBackupCode } = await import('./code-shapes');
const { mfaStatus } = await import('./factors');

setupIntegration();

beforeEach(() => {
  freezeClock();
  verifiedHashes.length = 0;
});

afterEach(() => {
  vi.useRealTimers();
});

/** The hashes verified while `run` ran, and its result. */
async function verified<T>(run: () => Promise<T>): Promise<{ result: T; hashes: string[] }> {
  verifiedHashes.length = 0;
  const result = await run();
  return { result, hashes: [...verifiedHashes] };
}

const normalized = (code: string) => normalizeBackupCode(code) ?? '';

/** A well-formed code starting with `prefix` that is none of `codes`. */
function wrongCodeStartingWith(prefix: string, codes: string[]): string {
  const taken = new Set(codes.map(normalized));
  for (const symbol of BACKUP_CODE_ALPHABET) {
    const candidate = `${prefix}${symbol.repeat(8)}`;
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error('unreachable: 32 candidates, at most 10 codes');
}

/** A 2-character prefix that none of `codes` starts with. */
function unusedPrefix(codes: string[]): string {
  const prefixes = new Set(codes.map((c) => normalized(c).slice(0, 2)));
  for (const a of BACKUP_CODE_ALPHABET)
    for (const b of BACKUP_CODE_ALPHABET) if (!prefixes.has(a + b)) return a + b;
  throw new Error('unreachable: 1024 prefixes, at most 10 codes');
}

async function hashOfRowStartingWith(userId: string, prefix: string): Promise<string> {
  const row = (await backupCodeRows(userId)).find((r) => r.lookup === prefix);
  if (!row) throw new Error(`no row with lookup ${prefix}`);
  return row.codeHash;
}

/** Codes issued before the lookup column: the same rows with lookup NULL. */
async function makeLegacy(userId: string): Promise<void> {
  await (await db()).update(backupCodes).set({ lookup: null }).where(eq(backupCodes.userId, userId));
}

describe('a backup code costs one argon2id verification, right or wrong', () => {
  it('each of 10 unused codes is found with one verification, against its own row', async () => {
    const user = await enrolledUser();
    for (const code of user.backupCodes) {
      const { result, hashes } = await verified(() => matchBackupCode(user.id, code));
      expect(result).not.toBeNull();
      expect(hashes).toEqual([await hashOfRowStartingWith(user.id, normalized(code).slice(0, 2))]);
    }
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 10 }); // checking spends nothing
  });

  it('spending a code (sign-in, step-up) verifies once too', async () => {
    const user = await enrolledUser();
    const { result, hashes } = await verified(() => spendBackupCode(user.id, user.backupCodes[9]!));
    expect(result).toEqual({ left: 9 });
    expect(hashes).toHaveLength(1);
  });

  it('a wrong code whose first 2 characters are a code’s: one verification, against that row, refused', async () => {
    const user = await enrolledUser();
    const prefix = normalized(user.backupCodes[4]!).slice(0, 2);
    const wrong = wrongCodeStartingWith(prefix, user.backupCodes);
    const { result, hashes } = await verified(() => spendBackupCode(user.id, wrong));
    expect(result).toBeNull();
    expect(hashes).toEqual([await hashOfRowStartingWith(user.id, prefix)]);
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 10 });
  });

  it('a wrong code whose first 2 characters are no code’s: one verification, against the dummy hash', async () => {
    const user = await enrolledUser();
    const wrong = `${unusedPrefix(user.backupCodes)}ZZZZZZZZ`;
    const { result, hashes } = await verified(() => spendBackupCode(user.id, wrong));
    expect(result).toBeNull();
    expect(hashes).toEqual([DUMMY_ARGON2_HASH]);
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 10 });
  });

  it('a spent code again, every code spent, or two-factor off: still one verification (the dummy)', async () => {
    const user = await enrolledUser();
    const [first] = user.backupCodes as [string];
    await spendBackupCode(user.id, first);
    expect(await verified(() => spendBackupCode(user.id, first))).toEqual({
      result: null,
      hashes: [DUMMY_ARGON2_HASH],
    });
    for (const code of user.backupCodes.slice(1)) await spendBackupCode(user.id, code);
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 0 });
    expect(await verified(() => matchBackupCode(user.id, user.backupCodes[5]!))).toEqual({
      result: null,
      hashes: [DUMMY_ARGON2_HASH],
    });
    const plain = await makeUser();
    expect(await verified(() => matchBackupCode(plain.id, 'ABCDE-FGHJK'))).toEqual({
      result: null,
      hashes: [DUMMY_ARGON2_HASH],
    });
  });

  it('input that cannot be a code is refused without argon2 (its shape is public)', async () => {
    const user = await enrolledUser();
    expect(await verified(() => matchBackupCode(user.id, 'ABCDE'))).toEqual({ result: null, hashes: [] });
  });
});

describe('lookups', () => {
  it('are stored: each row holds its code’s first 2 characters, distinct within the set', async () => {
    const user = await enrolledUser();
    const rows = await backupCodeRows(user.id);
    expect(rows.map((r) => r.lookup).sort()).toEqual(user.backupCodes.map((c) => c.slice(0, 2)).sort());
    expect(new Set(rows.map((r) => r.lookup)).size).toBe(10);
  });

  it('come with every regenerated set', async () => {
    const user = await enrolledUser();
    await makeLegacy(user.id);
    const fresh = await regenerateBackupCodes(user.id);
    const rows = await backupCodeRows(user.id);
    expect(rows.map((r) => r.lookup).sort()).toEqual(fresh.map((c) => c.slice(0, 2)).sort());
  });
});

describe('codes issued before lookups (lookup NULL) keep working until regenerated', () => {
  it('a legacy code is accepted once; a wrong one is refused after checking each unused code', async () => {
    const user = await enrolledUser();
    await makeLegacy(user.id);
    expect((await backupCodeRows(user.id)).every((r) => r.lookup === null)).toBe(true);

    const wrong = `${unusedPrefix(user.backupCodes)}ZZZZZZZZ`;
    const refused = await verified(() => spendBackupCode(user.id, wrong));
    expect(refused.result).toBeNull();
    expect(refused.hashes).toHaveLength(10); // the old way, bounded by one set

    const [a, b] = user.backupCodes as [string, string];
    expect(await spendBackupCode(user.id, a.toLowerCase())).toEqual({ left: 9 });
    expect(await spendBackupCode(user.id, a)).toBeNull();
    expect((await verified(() => spendBackupCode(user.id, wrong))).hashes).toHaveLength(9);
    expect(await spendBackupCode(user.id, b)).toEqual({ left: 8 });
  });

  it('after regenerating, the legacy codes fail and the new ones cost one verification', async () => {
    const user = await enrolledUser();
    await makeLegacy(user.id);
    const fresh = await regenerateBackupCodes(user.id);
    for (const old of user.backupCodes.slice(0, 3)) expect(await spendBackupCode(user.id, old)).toBeNull();
    const { result, hashes } = await verified(() => spendBackupCode(user.id, fresh[7]!));
    expect(result).toEqual({ left: 9 });
    expect(hashes).toHaveLength(1);
  });
});

describe('single use under concurrency', () => {
  it('20 concurrent uses of one code, in different typings: exactly one wins', async () => {
    const user = await enrolledUser();
    const code = user.backupCodes[6]!;
    const forms = [code, code.toLowerCase(), code.replace('-', ''), ` ${code} `];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => spendBackupCode(user.id, forms[i % forms.length]!)),
    );
    expect(results.filter((r) => r !== null)).toEqual([{ left: 9 }]);
    expect((await backupCodeRows(user.id)).filter((r) => r.usedAt !== null)).toHaveLength(1);
  });

  it('the same for a legacy code', async () => {
    const user = await enrolledUser();
    await makeLegacy(user.id);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => spendBackupCode(user.id, user.backupCodes[2]!)),
    );
    expect(results.filter((r) => r !== null)).toEqual([{ left: 9 }]);
    expect((await backupCodeRows(user.id)).filter((r) => r.usedAt !== null)).toHaveLength(1);
  });
});
