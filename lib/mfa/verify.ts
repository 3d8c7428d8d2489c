import 'server-only';
import { recordEvent } from '@/lib/audit';
import { sendSecurityNotice } from '@/lib/email/notices';
import type { RequestContext } from '@/lib/http/request-context';
import { store } from '@/lib/kv';
import { consume } from '@/lib/rate-limit';
import { type SecondFactorMethod, spendBackupCode, spendTotpCode } from './factors';

/**
 * The limiter counts failures in fixed 15-minute windows; the lock that the tenth failure sets
 * lasts a full 15 minutes from then, whenever in the window it came.
 */
const LOCK_MS = 15 * 60 * 1000;
const lockKey = (userId: string) => `latchkey:mfa-lock:${userId}`;

async function lockedUntil(userId: string): Promise<number | null> {
  const until = Number(await store().redis.get<number | string>(lockKey(userId)));
  return Number.isFinite(until) && until > Date.now() ? until : null;
}

async function lock(userId: string): Promise<number> {
  const until = Date.now() + LOCK_MS;
  // NX: a lock already running keeps its end.
  await store().redis.set(lockKey(userId), String(until), { px: LOCK_MS, nx: true });
  return (await lockedUntil(userId)) ?? until;
}

/** The failure that used the last attempt starts the lock. */
async function lockIfLast(
  remaining: number,
  userId: string,
  ctx: RequestContext,
  purpose: string,
): Promise<void> {
  if (remaining > 0) return;
  await lock(userId);
  await recordEvent('mfa_locked', ctx, { userId, detail: { purpose, started: true } });
}

export type SecondFactorResult =
  | { ok: true; method: SecondFactorMethod; backupCodesLeft?: number }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'rate_limited'; retryAt: number };

/**
 * One guess at an account's second factor, wherever it is asked (sign-in, step-up). Check →
 * consume → verify → refund: the attempt is taken from the account's limiter (10 failures per
 * 15 minutes, then the step is locked) before verifying, and given back on success or on a fault
 * of ours (say, a secret that fails to decrypt), so only real wrong guesses count.
 * `precheck` runs inside the same attempt (step-up's password).
 */
export async function checkSecondFactor(
  userId: string,
  method: SecondFactorMethod,
  code: string,
  ctx: RequestContext,
  purpose: 'sign_in' | 'step_up' | 'password_reset',
  precheck?: () => Promise<boolean>,
): Promise<SecondFactorResult> {
  const until = await lockedUntil(userId);
  if (until) {
    await recordEvent('mfa_locked', ctx, { userId, detail: { purpose } });
    return { ok: false, reason: 'rate_limited', retryAt: until };
  }
  const attempt = await consume('mfaAccount', userId);
  if (!attempt.allowed) {
    const lockEnds = await lock(userId);
    await recordEvent('mfa_locked', ctx, { userId, detail: { purpose } });
    return { ok: false, reason: 'rate_limited', retryAt: Math.max(lockEnds, attempt.retryAt) };
  }
  try {
    if (precheck && !(await precheck())) {
      await recordEvent('mfa_verify_failure', ctx, {
        userId,
        detail: { purpose, method, reason: 'password' },
      });
      await lockIfLast(attempt.remaining, userId, ctx, purpose);
      return { ok: false, reason: 'invalid' };
    }
    let backupCodesLeft: number | undefined;
    let valid: boolean;
    if (method === 'totp') {
      valid = await spendTotpCode(userId, code);
    } else {
      const used = await spendBackupCode(userId, code);
      valid = used !== null;
      backupCodesLeft = used?.left;
    }
    if (!valid) {
      await recordEvent('mfa_verify_failure', ctx, { userId, detail: { purpose, method } });
      await lockIfLast(attempt.remaining, userId, ctx, purpose);
      return { ok: false, reason: 'invalid' };
    }
    await attempt.refund();
    await recordEvent('mfa_verify_success', ctx, { userId, detail: { purpose, method } });
    if (method === 'backup') {
      await recordEvent('backup_code_used', ctx, { userId, detail: { left: backupCodesLeft ?? 0 } });
      await sendSecurityNotice(userId, { kind: 'backup_code_used', left: backupCodesLeft ?? 0 }, ctx);
    }
    return { ok: true, method, backupCodesLeft };
  } catch (error) {
    await attempt.refund();
    throw error;
  }
}
