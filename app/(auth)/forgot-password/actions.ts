'use server';

import { validatedAction } from '@/lib/actions';
import { requestPasswordReset } from '@/lib/auth/password-reset';
import { requestContext } from '@/lib/http/request-context';
import { messages, tooManyAttempts } from '@/lib/messages';
import { forgotPasswordSchema } from '@/lib/validation/reset';

/** The same answer whether or not an account uses the address: only the mailbox learns which. */
export const forgotPasswordAction = validatedAction(
  forgotPasswordSchema,
  { echo: ['email'] },
  async ({ email }, values) => {
    const result = await requestPasswordReset(email, await requestContext());
    if (result.ok) return { ok: true, values };
    const error = result.reason === 'rate_limited' ? tooManyAttempts(result.retryAt) : messages.mailFailed;
    return { ok: false, error, values };
  },
);
