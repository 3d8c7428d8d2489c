import 'server-only';
import { recordEvent } from '@/lib/audit';
import { sendSecurityNotice } from '@/lib/email/notices';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import type { SecondFactorMethod, Spent } from '@/lib/mfa/factor';
import { FACTORS } from '@/lib/mfa/factors';
import { guarded } from '@/lib/rate-limit';
import { lockSecondFactor, secondFactorLockedUntil } from '@/lib/rate-limit/second-factor-lock';

/** A passed check: the factor used, and for backup codes how many are left. */
export type Passed = { ok: true; method: SecondFactorMethod; backupCodesLeft?: number };
export type SecondFactorResult = Passed | Refused<'invalidCode'> | RateLimited;

type Purpose = 'sign_in' | 'step_up' | 'password_reset';

/**
 * One guess at an account's second factor, wherever it is asked (sign-in, step-up, reset):
 * the step's lock first, then one attempt from `mfaAccount` (10 failures per 15 minutes; the
 * failure that uses the last one locks the step for 15 minutes), then the factor named by
 * `method`, through the factor table. A success or a fault of ours gives the attempt back.
 * `precheck` runs inside the same attempt (step-up's password), so it cannot be guessed apart.
 * It sends no mail: the flow that asked does (afterSecondFactor).
 */
export async function checkSecondFactor(
  userId: string,
  method: SecondFactorMethod,
  code: string,
  ctx: RequestContext,
  purpose: Purpose,
  precheck?: () => Promise<boolean>,
): Promise<SecondFactorResult> {
  const until = await secondFactorLockedUntil(userId);
  if (until) {
    await recordEvent('mfa_locked', ctx, { userId, detail: { purpose } });
    return { ok: false, kind: 'rate_limited', retryAt: until };
  }
  const result = await guarded({ name: 'mfaAccount', id: userId }, async ({ remaining }) => {
    const factor = FACTORS[method];
    const passed = precheck ? await precheck() : true;
    const normalized = factor.normalize(code);
    // A wrong password still checks the code, spending nothing: both refusals then take the same
    // time, so timing does not tell which of the two was wrong.
    if (!passed && normalized) await factor.check(userId, normalized);
    const spent: Spent | null = passed && normalized ? await factor.spend(userId, normalized) : null;
    if (!spent) {
      await recordEvent('mfa_verify_failure', ctx, {
        userId,
        detail: passed ? { purpose, method } : { purpose, method, reason: 'password' },
      });
      if (remaining === 0) {
        await lockSecondFactor(userId);
        await recordEvent('mfa_locked', ctx, { userId, detail: { purpose, started: true } });
      }
      return refused('invalidCode');
    }
    await recordEvent('mfa_verify_success', ctx, { userId, detail: { purpose, method } });
    return { ok: true, method: spent.method, backupCodesLeft: spent.left } as const;
  });
  if (!result.ok && result.kind === 'rate_limited') {
    const lockEnds = await lockSecondFactor(userId);
    await recordEvent('mfa_locked', ctx, { userId, detail: { purpose } });
    return { ok: false, kind: 'rate_limited', retryAt: Math.max(lockEnds, result.retryAt) };
  }
  return result;
}

/**
 * What follows a spent code, for every flow that checks one: a backup code's use is recorded and
 * mailed to the owner, with how many are left (the mail warns when few are).
 */
export async function afterSecondFactor(userId: string, passed: Passed, ctx: RequestContext): Promise<void> {
  if (passed.method !== 'backup') return;
  const left = passed.backupCodesLeft ?? 0;
  await recordEvent('backup_code_used', ctx, { userId, detail: { left } });
  await sendSecurityNotice(userId, { kind: 'backup_code_used', left }, ctx);
}
