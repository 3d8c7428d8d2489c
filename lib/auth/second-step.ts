import 'server-only';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { CHALLENGE_MAX_ATTEMPTS, consumeChallenge, endChallenge, takeAttempt } from '@/lib/mfa/challenge';
import type { SecondFactorMethod } from '@/lib/mfa/factor';
import { isAccountLocked } from './account-lock';
import { cancelPendingRecoveries } from './account-recovery';
import { afterSecondFactor, checkSecondFactor } from './second-factor';

export type SecondStepResult =
  | { ok: true; userId: string; remember: boolean; backupCodesLeft?: number }
  /** The challenge is gone (expired, redeemed, never issued): the password step comes again. */
  | Refused<'challengeExpired'>
  /** Its 5 wrong codes are used up: the password step comes again. */
  | Refused<'challengeExhausted'>
  | (Refused<'invalidCode'> & { attemptsLeft: number })
  /** Locked by an administrator after the challenge was issued: the challenge ends with it. */
  | Refused<'accountLocked'>
  | RateLimited;

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
  const attempt = await takeAttempt(token);
  if (!attempt || typeof token !== 'string') return refused('challengeExpired');
  if (attempt.n > CHALLENGE_MAX_ATTEMPTS) {
    await endChallenge(token);
    return refused('challengeExhausted');
  }
  let result: Awaited<ReturnType<typeof checkSecondFactor>>;
  try {
    result = await checkSecondFactor(attempt.userId, method, code, ctx, 'sign_in');
  } catch (error) {
    await attempt.giveBack();
    throw error;
  }
  if (!result.ok) {
    if (result.kind === 'rate_limited') {
      await attempt.giveBack(); // locked before any code was checked: not a guess
      return result;
    }
    if (attempt.n >= CHALLENGE_MAX_ATTEMPTS) {
      await endChallenge(token);
      return refused('challengeExhausted');
    }
    return { ok: false, kind: 'invalidCode', attemptsLeft: CHALLENGE_MAX_ATTEMPTS - attempt.n };
  }
  // The code is spent whether or not this request wins the challenge: its owner hears of it.
  await afterSecondFactor(attempt.userId, result, ctx);
  const redeemed = await consumeChallenge(token);
  if (!redeemed) return refused('challengeExpired');
  // The password was right when the challenge was issued; the account may have been locked since.
  // Said only now, after the code: the same point at which the password step says it.
  if (await isAccountLocked(redeemed.userId)) return refused('accountLocked');
  // The owner still has a factor: a recovery someone started for the account is over.
  await cancelPendingRecoveries(redeemed.userId, ctx);
  // The sign-in itself is recorded with its session (startSession), by the caller.
  return {
    ok: true,
    userId: redeemed.userId,
    remember: redeemed.remember,
    backupCodesLeft: result.backupCodesLeft,
  };
}
