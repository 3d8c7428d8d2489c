'use server';

import { redirect } from 'next/navigation';
import { toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { knownDevice, rememberDevice } from '@/lib/auth/device-cookie';
import { passwordSignIn } from '@/lib/auth/login';
import { startSession } from '@/lib/auth/session-cookie';
import { requestContext } from '@/lib/http/request-context';
import { createChallenge } from '@/lib/mfa/challenge';
import { loginSchema } from '@/lib/validation/auth';

export const loginAction = validatedAction(
  loginSchema,
  { echo: ['email', 'callbackUrl'] },
  async (data, values) => {
    const ctx = await requestContext();
    const result = await passwordSignIn(data.email, data.password, ctx, await knownDevice(data.email));
    if (!result.ok) return toActionState(result, values);
    // The right password: this browser now has its own attempt budget for the account.
    await rememberDevice(data.email);
    // Checked again here: the form's hidden field is client input like any other.
    const next = safeCallbackUrl(data.callbackUrl);
    if (result.mfaRequired) {
      // No session yet: a challenge, and the second step.
      await setChallengeCookie(
        await createChallenge({ userId: result.userId, remember: data.remember }, ctx),
      );
      redirect(`/login/verify?${new URLSearchParams({ callbackUrl: next })}`);
    }
    await startSession(result.userId, data.remember, ctx, false, { method: 'password' });
    redirect(next);
  },
);
