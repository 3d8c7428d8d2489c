import 'server-only';
import { and, count, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import QRCode from 'qrcode';
import { db } from '@/lib/db/client';
import { backupCodes, totpFactors } from '@/lib/db/schema';
import { generateBackupCodes, hashBackupCode, normalizeBackupCode, verifyBackupCode } from './backup-codes';
import { decryptSecret, encryptSecret } from './crypto';
import { generateTotpSecret, normalizeTotpCode, totpUri, verifyTotp } from './totp';

/**
 * The authenticator and backup codes of one account: the only module that reads their rows.
 * Secrets never leave it except the new secret shown once during enrollment, and new backup
 * codes shown once after enabling or regenerating.
 */
export type MfaStatus = { enabled: boolean; pending: boolean; backupCodesLeft: number };

export async function mfaStatus(userId: string): Promise<MfaStatus> {
  const database = await db();
  const [factor] = await database
    .select({ enabledAt: totpFactors.enabledAt })
    .from(totpFactors)
    .where(eq(totpFactors.userId, userId));
  const [codes] = await database
    .select({ left: count() })
    .from(backupCodes)
    .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
  return {
    enabled: Boolean(factor?.enabledAt),
    pending: Boolean(factor && !factor.enabledAt),
    backupCodesLeft: factor?.enabledAt ? (codes?.left ?? 0) : 0,
  };
}

export async function isMfaEnabled(userId: string): Promise<boolean> {
  const database = await db();
  const [factor] = await database
    .select({ userId: totpFactors.userId })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.enabledAt)));
  return Boolean(factor);
}

export type Enrollment = { secret: string; uri: string; qrDataUrl: string };

/**
 * A new pending secret; replaces any pending one (whose codes then stop working). Refused (null)
 * while two-factor is on: it must be disabled first.
 */
export async function beginEnrollment(userId: string, email: string): Promise<Enrollment | null> {
  const secret = generateTotpSecret();
  const secretEncrypted = encryptSecret(secret);
  const database = await db();
  const [row] = await database
    .insert(totpFactors)
    .values({ userId, secretEncrypted })
    .onConflictDoUpdate({
      target: totpFactors.userId,
      set: { secretEncrypted, lastUsedStep: null, createdAt: new Date() },
      setWhere: isNull(totpFactors.enabledAt),
    })
    .returning({ userId: totpFactors.userId });
  if (!row) return null;
  const uri = totpUri({ secret, email });
  const qrDataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 232 });
  return { secret, uri, qrDataUrl };
}

/**
 * Turn two-factor on with a code from the pending secret. The code is spent like any other
 * (its time step recorded), and the switch is one conditional UPDATE on the very secret that was
 * checked, so a set-up restarted meanwhile cannot be enabled with the old secret's code.
 * Returns the new backup codes (shown once), or null for a wrong code or no pending set-up.
 */
export async function completeEnrollment(userId: string, code: string): Promise<string[] | null> {
  const normalized = normalizeTotpCode(code);
  if (!normalized) return null;
  const database = await db();
  const [pending] = await database
    .select({ secretEncrypted: totpFactors.secretEncrypted })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNull(totpFactors.enabledAt)));
  if (!pending) return null;
  const result = await verifyTotp({ secret: decryptSecret(pending.secretEncrypted), code: normalized });
  if (!result.valid) return null;

  const codes = generateBackupCodes();
  const hashes = await Promise.all(codes.map((c) => hashBackupCode(normalizeBackupCode(c) ?? c)));
  const enabled = await database.transaction(async (tx) => {
    const [row] = await tx
      .update(totpFactors)
      .set({ enabledAt: new Date(), lastUsedStep: result.timeStep })
      .where(
        and(
          eq(totpFactors.userId, userId),
          isNull(totpFactors.enabledAt),
          eq(totpFactors.secretEncrypted, pending.secretEncrypted),
        ),
      )
      .returning({ userId: totpFactors.userId });
    if (!row) return false;
    await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
    await tx.insert(backupCodes).values(hashes.map((codeHash) => ({ userId, codeHash })));
    return true;
  });
  return enabled ? codes : null;
}

/**
 * Check an authenticator code and spend it: accepted only for a time step later than the last
 * accepted one, by one compare-and-set UPDATE, so the same code never works twice, even when
 * two requests race. A decryption failure throws (a fault of ours, not a wrong code).
 */
export async function spendTotpCode(userId: string, code: string): Promise<boolean> {
  const normalized = normalizeTotpCode(code);
  if (!normalized) return false;
  const database = await db();
  const [factor] = await database
    .select({ secretEncrypted: totpFactors.secretEncrypted, lastUsedStep: totpFactors.lastUsedStep })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.enabledAt)));
  if (!factor) return false;
  const result = await verifyTotp({
    secret: decryptSecret(factor.secretEncrypted),
    code: normalized,
    afterTimeStep: factor.lastUsedStep ?? undefined,
  });
  if (!result.valid) return false;
  const [spent] = await database
    .update(totpFactors)
    .set({ lastUsedStep: result.timeStep })
    .where(
      and(
        eq(totpFactors.userId, userId),
        isNotNull(totpFactors.enabledAt),
        or(isNull(totpFactors.lastUsedStep), lt(totpFactors.lastUsedStep, result.timeStep)),
      ),
    )
    .returning({ userId: totpFactors.userId });
  return Boolean(spent);
}

/**
 * Check a backup code and spend it: the matching row is marked used by one conditional UPDATE
 * (`used_at IS NULL`), so of concurrent uses of one code exactly one succeeds.
 * Returns the number of codes left after a success, or null.
 */
export async function spendBackupCode(userId: string, code: string): Promise<{ left: number } | null> {
  const normalized = normalizeBackupCode(code);
  if (!normalized) return null;
  const database = await db();
  const candidates = await database
    .select({ id: backupCodes.id, codeHash: backupCodes.codeHash })
    .from(backupCodes)
    .innerJoin(totpFactors, and(eq(totpFactors.userId, backupCodes.userId), isNotNull(totpFactors.enabledAt)))
    .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
  // One argon2id verification at a time, stopping at the match: a use costs one worker thread,
  // not all of them, and on average half the verifications.
  let match: (typeof candidates)[number] | undefined;
  for (const candidate of candidates) {
    if (await verifyBackupCode(normalized, candidate.codeHash)) {
      match = candidate;
      break;
    }
  }
  if (!match) return null;
  const [spent] = await database
    .update(backupCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(backupCodes.id, match.id), isNull(backupCodes.usedAt)))
    .returning({ id: backupCodes.id });
  if (!spent) return null;
  const [left] = await database
    .select({ n: count() })
    .from(backupCodes)
    .where(and(eq(backupCodes.userId, userId), isNull(backupCodes.usedAt)));
  return { left: left?.n ?? 0 };
}

export type SecondFactorMethod = 'totp' | 'backup';

/** Six digits are an authenticator code; anything else is tried as a backup code. */
export function guessMethod(code: string): SecondFactorMethod {
  return normalizeTotpCode(code) ? 'totp' : 'backup';
}

/** Replace the whole set of backup codes; the old ones stop working at once. */
export async function regenerateBackupCodes(userId: string): Promise<string[]> {
  const codes = generateBackupCodes();
  const hashes = await Promise.all(codes.map((c) => hashBackupCode(normalizeBackupCode(c) ?? c)));
  const database = await db();
  await database.transaction(async (tx) => {
    await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
    await tx.insert(backupCodes).values(hashes.map((codeHash) => ({ userId, codeHash })));
  });
  return codes;
}

/** Delete the secret and every backup code. */
export async function disableMfa(userId: string): Promise<void> {
  const database = await db();
  await database.transaction(async (tx) => {
    await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
    await tx.delete(totpFactors).where(eq(totpFactors.userId, userId));
  });
}
