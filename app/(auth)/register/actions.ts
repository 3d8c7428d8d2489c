'use server';

import { redirect } from 'next/navigation';
import { toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { rememberDevice } from '@/lib/auth/device-cookie';
import { sendVerificationEmail } from '@/lib/auth/email-verification';
import { noteSignIn } from '@/lib/auth/new-device';
import { registerUser } from '@/lib/auth/register';
import { startSession } from '@/lib/auth/session-cookie';
import { requestContext } from '@/lib/http/request-context';
import { describeFailure } from '@/lib/log';
import { registerSchema } from '@/lib/validation/auth';

export const registerAction = validatedAction(registerSchema, { echo: ['email'] }, async (data, values) => {
  const ctx = await requestContext();
  const result = await registerUser(data.email, data.password, ctx);
  if (!result.ok) return toActionState(result, values);
  try {
    await sendVerificationEmail(result.user, ctx);
  } catch {
    // Logged by the mail layer; the account exists, and the dashboard offers to send it again.
  }
  try {
    await rememberDevice(result.user.email);
    // The account's "registered" event stands for this first session (no separate sign-in row).
    await startSession(result.user.id, false, ctx);
    // The registering browser and network are the owner's: known from now on, and no mail.
    await noteSignIn(result.user.id, ctx, { knownBrowser: true });
  } catch (error) {
    // The account is committed; only the automatic sign-in failed. Saying "nothing was changed"
    // would send the person to register again and be told the address is taken.
    console.error('latchkey: sign-in after registration failed:', describeFailure(error));
    redirect('/login?notice=account-created');
  }
  redirect('/dashboard');
});
