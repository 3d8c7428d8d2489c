'use server';

import { redirect } from 'next/navigation';
import { type ActionState, toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { cancelAccountRecovery, completeAccountRecovery } from '@/lib/auth/account-recovery';
import { startSession } from '@/lib/auth/session-cookie';
import { requestContext } from '@/lib/http/request-context';
import { cancelRecoverySchema, completeRecoverySchema } from '@/lib/validation/recovery';

/**
 * After the wait: the password, then two-factor off and every session ended (lib/); this browser
 * gets the one new session and goes straight to the set-up. Nothing typed is echoed back.
 */
export const completeRecoveryAction = validatedAction(
  completeRecoverySchema,
  {},
  async ({ token, password }) => {
    const ctx = await requestContext();
    const result = await completeAccountRecovery(token, password, ctx);
    if (!result.ok) return toActionState(result);
    await startSession(result.userId, false, ctx, false, { method: 'account_recovery' });
    redirect('/settings/security');
  },
);

export type CancelState = ActionState<{ cancelled: true }>;

/** Only ever stops a recovery; pressing it twice answers the same. */
export const cancelRecoveryAction = validatedAction(
  cancelRecoverySchema,
  {},
  async ({ token }): Promise<CancelState> => {
    const result = await cancelAccountRecovery(token, await requestContext());
    return result.ok ? { ok: true, cancelled: true } : toActionState(result);
  },
);
