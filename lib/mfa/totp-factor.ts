import 'server-only';
import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import QRCode from 'qrcode';
import { type Db, db } from '@/lib/db/client';
import { totpFactors } from '@/lib/db/schema';
import { prepareBackupCodes } from './backup-code-factor';
import { normalizeTotpCode, QR_SIZE } from './code-shapes';
import { decryptSecret, encryptSecret, isCurrentFormat } from './crypto';
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
  const secretEncrypted = encryptSecret(secret, userId);
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
export async function completeEnrollment(
  userId: string,
  code: string,
  /** Runs in the enabling transaction (the caller's audit event). */
  alongside?: (tx: Db) => Promise<void>,
): Promise<string[] | null> {
  const normalized = normalizeTotpCode(code);
  if (!normalized) return null;
  const database = await db();
  const [pending] = await database
    .select({ secretEncrypted: totpFactors.secretEncrypted })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNull(totpFactors.enabledAt)));
  if (!pending) return null;
  const { secret, stored } = await readSecret(userId, pending.secretEncrypted);
  const result = await verifyTotp({ secret, code: normalized });
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
          eq(totpFactors.secretEncrypted, stored),
        ),
      )
      .returning({ userId: totpFactors.userId });
    if (!row) return false;
    await issue.store(tx);
    await alongside?.(tx);
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
  const result = await checkTotpCode(userId, code);
  if (!result) return false;
  const database = await db();
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
 * A row's secret, for its user only (a ciphertext copied from another row throws MfaDecryptError:
 * a fault of ours, which spends no attempt). Returns what the row holds afterwards.
 *
 * Secrets written before v2 (not bound to a user) are re-encrypted as v2 here, the first time
 * they are read, rather than by a sweep at start-up: the key lives in the app, not in SQL, so no
 * migration file can do it; a start-up sweep would make every boot (and `npm run db:migrate`)
 * need the key and would miss set-ups that instances still running the old version write during
 * a rolling deploy. A sign-in reads the row anyway. The UPDATE is conditional on the old value,
 * so a set-up restarted meanwhile is never overwritten. Until every v1 row has been read, a v1
 * ciphertext is still unbound; a later version can stop reading v1 once none is left.
 */
/**
 * The checking half of spendTotpCode, spending nothing: the time step the code is for, or null.
 * Step-up runs it when the password was already wrong, so both failures cost the same time.
 */
export async function checkTotpCode(userId: string, code: string): Promise<{ timeStep: number } | null> {
  const normalized = normalizeTotpCode(code);
  if (!normalized) return null;
  const [factor] = await (await db())
    .select({ secretEncrypted: totpFactors.secretEncrypted, lastUsedStep: totpFactors.lastUsedStep })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.enabledAt)));
  if (!factor) return null;
  const result = await verifyTotp({
    secret: (await readSecret(userId, factor.secretEncrypted)).secret,
    code: normalized,
    afterTimeStep: factor.lastUsedStep ?? undefined,
  });
  return result.valid ? { timeStep: result.timeStep } : null;
}

async function readSecret(userId: string, stored: string): Promise<{ secret: string; stored: string }> {
  const secret = decryptSecret(stored, userId);
  if (isCurrentFormat(stored)) return { secret, stored };
  const upgraded = encryptSecret(secret, userId);
  const [row] = await (await db())
    .update(totpFactors)
    .set({ secretEncrypted: upgraded })
    .where(and(eq(totpFactors.userId, userId), eq(totpFactors.secretEncrypted, stored)))
    .returning({ userId: totpFactors.userId });
  return { secret, stored: row ? upgraded : stored };
}

export const totpFactor = {
  id: 'totp',
  normalize: normalizeTotpCode,
  spend: async (userId, normalized) =>
    (await spendTotpCode(userId, normalized)) ? { method: 'totp' } : null,
  check: async (userId, normalized) => (await checkTotpCode(userId, normalized)) !== null,
} as const satisfies SecondFactor;
