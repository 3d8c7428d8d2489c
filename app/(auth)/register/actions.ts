'use server';

import { redirect } from 'next/navigation';
import { validatedAction } from '@/lib/actions';
import { registerUser } from '@/lib/auth/register';
import { startSession } from '@/lib/auth/session-cookie';
import { requestContext } from '@/lib/http/request-context';
import { tooManyAttempts } from '@/lib/messages';
import { registerSchema } from '@/lib/validation/auth';

export const registerAction = validatedAction(registerSchema, { echo: ['email'] }, async (data, values) => {
  const ctx = await requestContext();
  const result = await registerUser(data.email, data.password, ctx);
  if (!result.ok) {
    if ('reason' in result) return { ok: false, error: tooManyAttempts(result.retryAt), values };
    return { ok: false, fieldErrors: { [result.field]: result.message }, values };
  }
  await startSession(result.user.id, false, ctx);
  redirect('/dashboard');
});
