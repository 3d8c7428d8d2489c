import 'server-only';
import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import QRCode from 'qrcode';
import { db } from '@/lib/db/client';
import { totpFactors } from '@/lib/db/schema';
import { prepareBackupCodes } from './backup-code-factor';
import { normalizeTotpCode, QR_SIZE } from './code-shapes';
import { decryptSecret, encryptSecret } from './crypto';
import type { SecondFactor } from './factor';
import { generateTotpSecret, totpUri, verifyTotp } from './totp';

/**
 * The authenticator-app factor: the only module that reads or writes its row. The secret leaves
 * it once, in the enrollment that shows it; after that only codes are checked against it.
 */

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
  const qrDataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: QR_SIZE });
  return { secret, uri, qrDataUrl };
}

/**
 * Turn two-factor on with a code from the pending secret. The code is spent like any other
 * (its time step recorded), and the switch is one conditional UPDATE on the very secret that was
 * checked, so a set-up restarted meanwhile cannot be enabled with the old secret's code. The new
 * backup codes are stored in the same transaction. Returns them (shown once), or null for a
 * wrong code or no pending set-up.
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

  const issue = await prepareBackupCodes(userId);
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
    await issue.store(tx);
    return true;
  });
  return enabled ? issue.codes : null;
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

export const totpFactor = {
  id: 'totp',
  normalize: normalizeTotpCode,
  spend: async (userId, normalized) =>
    (await spendTotpCode(userId, normalized)) ? { method: 'totp' } : null,
} as const satisfies SecondFactor;
