'use server';

import { redirect } from 'next/navigation';
import { toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { setChallengeCookie } from '@/lib/auth/challenge-cookie';
import { knownDevice } from '@/lib/auth/device-cookie';
import { passwordSignIn } from '@/lib/auth/login';
import { trustedDeviceSkipsSecondStep } from '@/lib/auth/trusted-devices';
import { completeWebSignIn } from '@/lib/auth/web-sign-in';
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
    // Checked again here: the form's hidden field is client input like any other.
    const next = safeCallbackUrl(data.callbackUrl);
    // A browser trusted for this account skips the second step; the password was asked all the same.
    const trusted = result.mfaRequired && (await trustedDeviceSkipsSecondStep(result.userId));
    if (result.mfaRequired && !trusted) {
      // No session yet: a challenge, and the second step.
      await setChallengeCookie(
        await createChallenge({ userId: result.userId, remember: data.remember }, ctx),
      );
      redirect(`/login/verify?${new URLSearchParams({ callbackUrl: next })}`);
    }
    await completeWebSignIn(
      { id: result.userId, email: data.email },
      {
        remember: data.remember,
        mfaVerified: trusted,
        signIn: trusted ? { method: 'password', trustedDevice: true } : { method: 'password' },
      },
      ctx,
    );
    redirect(next);
  },
);
