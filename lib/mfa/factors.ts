import 'server-only';
import { and, eq, isNotNull } from 'drizzle-orm';
import { type Db, db } from '@/lib/db/client';
import { backupCodes, totpFactors } from '@/lib/db/schema';
import { backupCodeFactor, backupCodesLeft } from './backup-code-factor';
import type { SecondFactor, SecondFactorMethod } from './factor';
import { totpFactor } from './totp-factor';

/** Every second factor by id: the shared check dispatches through this table, never on the method. */
export const FACTORS = {
  totp: totpFactor,
  backup: backupCodeFactor,
} as const satisfies { [M in SecondFactorMethod]: SecondFactor & { id: M } };

/** One field takes either kind of code: the first factor whose shape it has (six digits: TOTP). */
export function guessMethod(code: string): SecondFactorMethod {
  return (Object.values(FACTORS) as SecondFactor[]).find((f) => f.normalize(code))?.id ?? 'backup';
}

export type MfaStatus = { enabled: boolean; pending: boolean; backupCodesLeft: number };

export async function mfaStatus(userId: string): Promise<MfaStatus> {
  const database = await db();
  const [factor] = await database
    .select({ enabledAt: totpFactors.enabledAt })
    .from(totpFactors)
    .where(eq(totpFactors.userId, userId));
  const enabled = Boolean(factor?.enabledAt);
  return {
    enabled,
    pending: Boolean(factor && !factor.enabledAt),
    backupCodesLeft: enabled ? await backupCodesLeft(userId, database) : 0,
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

/**
 * Delete the secret and every backup code. `alongside` runs in the same transaction (the
 * caller's audit event: the change and its record commit together). `first` runs before the
 * deletes, in the same transaction: the caller's row locks and the checks that read them (the
 * account's row before the factor's, the order a role change and an administrator's action take
 * them in), and a throw there rolls everything back.
 */
export async function disableMfa(
  userId: string,
  alongside?: (tx: Db) => Promise<void>,
  first?: (tx: Db) => Promise<void>,
): Promise<void> {
  const database = await db();
  await database.transaction(async (tx) => {
    await first?.(tx);
    await tx.delete(backupCodes).where(eq(backupCodes.userId, userId));
    await tx.delete(totpFactors).where(eq(totpFactors.userId, userId));
    await alongside?.(tx);
  });
}
