'use server';

import { redirect } from 'next/navigation';
import { type ActionState, toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { clearChallengeCookie, readChallengeCookie } from '@/lib/auth/challenge-cookie';
import { type SecondStepResult, verifySecondStep } from '@/lib/auth/second-step';
import { startSession } from '@/lib/auth/session-cookie';
import { requestContext } from '@/lib/http/request-context';
import type { SecondFactorMethod } from '@/lib/mfa/factor';
import { verifyBackupSchema, verifyTotpSchema } from '@/lib/validation/mfa';

const NOTICE = {
  challengeExpired: 'mfa-expired',
  challengeExhausted: 'mfa-exhausted',
  accountLocked: 'account-locked',
} as const;

async function finish(
  method: SecondFactorMethod,
  code: string,
  callbackUrl: string | undefined,
): Promise<ActionState> {
  const ctx = await requestContext();
  const result: SecondStepResult = await verifySecondStep(await readChallengeCookie(), method, code, ctx);
  if (result.ok) {
    await clearChallengeCookie();
    await startSession(result.userId, result.remember, ctx, true, { method });
    return redirect(safeCallbackUrl(callbackUrl));
  }
  // The challenge is over: back to the password step, which says why.
  if (
    result.kind === 'challengeExpired' ||
    result.kind === 'challengeExhausted' ||
    result.kind === 'accountLocked'
  ) {
    await clearChallengeCookie();
    return redirect(`/login?notice=${NOTICE[result.kind]}`);
  }
  return toActionState(result);
}

export const verifyTotpAction = validatedAction(verifyTotpSchema, {}, ({ code, callbackUrl }) =>
  finish('totp', code, callbackUrl),
);

export const verifyBackupAction = validatedAction(verifyBackupSchema, {}, ({ backupCode, callbackUrl }) =>
  finish('backup', backupCode, callbackUrl),
);
