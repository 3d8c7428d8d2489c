'use server';

import { z } from 'zod';
import { toActionState } from '@/lib/action-state';
import { authenticatedAction } from '@/lib/actions';
import { resendVerificationEmail } from '@/lib/auth/email-verification';
import { refused } from '@/lib/failure';
import { requestContext } from '@/lib/http/request-context';

const noInput = z.object({});

export const resendVerificationAction = authenticatedAction(noInput, {}, async (_data, session) => {
  if (session.emailVerified) return { ok: true };
  try {
    const result = await resendVerificationEmail(
      { id: session.userId, email: session.email },
      await requestContext(),
    );
    if (!result.ok) return toActionState(result);
  } catch {
    return toActionState(refused('mailFailed'));
  }
  return { ok: true };
});
