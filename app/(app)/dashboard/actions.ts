'use server';

import { z } from 'zod';
import { authenticatedAction } from '@/lib/actions';
import { resendVerificationEmail } from '@/lib/auth/email-verification';
import { requestContext } from '@/lib/http/request-context';
import { messages, tooManyAttempts } from '@/lib/messages';

const noInput = z.object({});

export const resendVerificationAction = authenticatedAction(noInput, {}, async (_data, session) => {
  if (session.emailVerified) return { ok: true };
  try {
    const result = await resendVerificationEmail(
      { id: session.userId, email: session.email },
      await requestContext(),
    );
    if (!result.ok) return { ok: false, error: tooManyAttempts(result.retryAt) };
  } catch {
    return { ok: false, error: messages.mailFailed };
  }
  return { ok: true };
});
