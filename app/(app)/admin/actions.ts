'use server';

import { revalidatePath } from 'next/cache';
import { type ActionState, toActionState } from '@/lib/action-state';
import { authenticatedAction } from '@/lib/actions';
import { adminAct } from '@/lib/admin/account-actions';
import { requestContext } from '@/lib/http/request-context';
import { adminActionDone } from '@/lib/messages';
import { adminActionSchema } from '@/lib/validation/admin';

/** After an action: what happened, in words; the page shows the account's new state. */
export type AdminActionState = ActionState<{ done: string }>;

/**
 * Every button on an account's admin page posts here. A public endpoint like any action: the
 * session is checked by the wrapper, and the role, the step-up and everything else by adminAct,
 * whatever the page that showed the button believed.
 */
export const adminAction = authenticatedAction(
  adminActionSchema,
  {},
  async ({ userId, operation, password, code }, session): Promise<AdminActionState> => {
    const result = await adminAct(session.userId, operation, userId, password, code, await requestContext());
    if (!result.ok) return toActionState(result);
    revalidatePath(`/admin/users/${userId}`);
    return { ok: true, done: adminActionDone(result.kind, result.email, result.signedOut, result.mailed) };
  },
);
