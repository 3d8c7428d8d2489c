'use server';

import { z } from 'zod';
import { validatedAction } from '@/lib/actions';
import { verifyEmail } from '@/lib/auth/email-verification';
import { requestContext } from '@/lib/http/request-context';
import { messages } from '@/lib/messages';

export const verifyEmailAction = validatedAction(
  z.object({ token: z.string().max(128) }),
  {},
  async ({ token }) =>
    (await verifyEmail(token, await requestContext()))
      ? { ok: true }
      : { ok: false, error: messages.linkInvalid },
);
