'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { clearChallengeCookie, readChallengeCookie } from '@/lib/auth/challenge-cookie';
import { type SecondStepResult, verifySecondStep } from '@/lib/auth/second-step';
import { startSession } from '@/lib/auth/session-cookie';
import { requestContext } from '@/lib/http/request-context';
import { invalidCodeWithAttempts, tooManyAttempts } from '@/lib/messages';
import type { SecondFactorMethod } from '@/lib/mfa/factors';
import { verifyBackupSchema, verifyTotpSchema } from '@/lib/validation/mfa';

async function finish(
  method: SecondFactorMethod,
  code: string,
  callbackUrl: string | undefined,
): Promise<ActionState> {
  const ctx = await requestContext();
  const result: SecondStepResult = await verifySecondStep(await readChallengeCookie(), method, code, ctx);
  if (result.ok) {
    await clearChallengeCookie();
    await startSession(result.userId, result.remember, ctx, true);
    return redirect(safeCallbackUrl(callbackUrl));
  }
  if (result.reason === 'expired' || result.reason === 'exhausted') {
    await clearChallengeCookie();
    return redirect(`/login?notice=${result.reason === 'expired' ? 'mfa-expired' : 'mfa-exhausted'}`);
  }
  if (result.reason === 'rate_limited') return { ok: false, error: tooManyAttempts(result.retryAt) };
  return { ok: false, error: invalidCodeWithAttempts(result.attemptsLeft) };
}

export const verifyTotpAction = validatedAction(verifyTotpSchema, {}, ({ code, callbackUrl }) =>
  finish('totp', code, callbackUrl),
);

export const verifyBackupAction = validatedAction(verifyBackupSchema, {}, ({ backupCode, callbackUrl }) =>
  finish('backup', backupCode, callbackUrl),
);
