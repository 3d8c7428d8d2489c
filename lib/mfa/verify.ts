import 'server-only';
import { recordEvent } from '@/lib/audit';
import type { RequestContext } from '@/lib/http/request-context';
import { consume } from '@/lib/rate-limit';
import { type SecondFactorMethod, spendBackupCode, spendTotpCode } from './factors';

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
  purpose: 'sign_in' | 'step_up',
  precheck?: () => Promise<boolean>,
): Promise<SecondFactorResult> {
  const attempt = await consume('mfaAccount', userId);
  if (!attempt.allowed) {
    await recordEvent('mfa_locked', ctx, { userId, detail: { purpose } });
    return { ok: false, reason: 'rate_limited', retryAt: attempt.retryAt };
  }
  try {
    if (precheck && !(await precheck())) {
      await recordEvent('mfa_verify_failure', ctx, {
        userId,
        detail: { purpose, method, reason: 'password' },
      });
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
      return { ok: false, reason: 'invalid' };
    }
    await attempt.refund();
    await recordEvent('mfa_verify_success', ctx, { userId, detail: { purpose, method } });
    if (method === 'backup') {
      await recordEvent('backup_code_used', ctx, { userId, detail: { left: backupCodesLeft ?? 0 } });
    }
    return { ok: true, method, backupCodesLeft };
  } catch (error) {
    await attempt.refund();
    throw error;
  }
}
