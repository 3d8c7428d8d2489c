'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { type ActionState, toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { confirmEmailChange } from '@/lib/auth/change-email';
import { verifyEmail } from '@/lib/auth/email-verification';
import { requestContext } from '@/lib/http/request-context';

export type VerifyEmailState = ActionState<{ changedTo: string }>;

/**
 * One link page for both kinds of address proof: a new account's address, and a new address
 * for an existing account. A token has one purpose, so at most one of the two can spend it.
 */
export const verifyEmailAction = validatedAction(
  z.object({ token: z.string().max(128) }),
  {},
  async ({ token }): Promise<VerifyEmailState> => {
    const ctx = await requestContext();
    if (await verifyEmail(token, ctx)) return { ok: true };
    const change = await confirmEmailChange(token, ctx);
    if (change.ok) {
      revalidatePath('/', 'layout');
      return { ok: true, changedTo: change.email };
    }
    return toActionState(change);
  },
);
