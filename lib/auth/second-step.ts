import 'server-only';
import { recordEvent } from '@/lib/audit';
import type { RequestContext } from '@/lib/http/request-context';
import {
  CHALLENGE_MAX_ATTEMPTS,
  consumeChallenge,
  countAttempt,
  endChallenge,
  readChallenge,
  uncountAttempt,
} from '@/lib/mfa/challenge';
import type { SecondFactorMethod } from '@/lib/mfa/factors';
import { checkSecondFactor } from '@/lib/mfa/verify';

export type SecondStepResult =
  | { ok: true; userId: string; remember: boolean; backupCodesLeft?: number }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'exhausted' }
  | { ok: false; reason: 'invalid'; attemptsLeft: number }
  | { ok: false; reason: 'rate_limited'; retryAt: number };

/**
 * The second sign-in step: a code against the challenge that the password step issued.
 * 5 wrong codes end the challenge (the password step must be repeated); the account-wide limit
 * (10 failures per 15 minutes) is applied by checkSecondFactor. A fault gives the attempt back.
 */
export async function verifySecondStep(
  token: unknown,
  method: SecondFactorMethod,
  code: string,
  ctx: RequestContext,
): Promise<SecondStepResult> {
  const challenge = await readChallenge(token);
  if (!challenge || typeof token !== 'string') return { ok: false, reason: 'expired' };

  const n = await countAttempt(token);
  if (n > CHALLENGE_MAX_ATTEMPTS) {
    await endChallenge(token);
    return { ok: false, reason: 'exhausted' };
  }
  let result: Awaited<ReturnType<typeof checkSecondFactor>>;
  try {
    result = await checkSecondFactor(challenge.userId, method, code, ctx, 'sign_in');
  } catch (error) {
    await uncountAttempt(token);
    throw error;
  }
  if (!result.ok) {
    if (result.reason === 'rate_limited') {
      await uncountAttempt(token); // locked before any code was checked: not a guess
      return result;
    }
    if (n >= CHALLENGE_MAX_ATTEMPTS) {
      await endChallenge(token);
      return { ok: false, reason: 'exhausted' };
    }
    return { ok: false, reason: 'invalid', attemptsLeft: CHALLENGE_MAX_ATTEMPTS - n };
  }
  const redeemed = await consumeChallenge(token);
  if (!redeemed) return { ok: false, reason: 'expired' };
  await recordEvent('sign_in_success', ctx, { userId: redeemed.userId, detail: { method } });
  return {
    ok: true,
    userId: redeemed.userId,
    remember: redeemed.remember,
    backupCodesLeft: result.backupCodesLeft,
  };
}
