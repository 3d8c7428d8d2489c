'use server';

import { z } from 'zod';
import { type ActionState, toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { clearSessionCookieOf } from '@/lib/auth/session-cookie';
import { undoChange } from '@/lib/auth/undo';
import { requestContext } from '@/lib/http/request-context';

export type UndoState = ActionState<{ undone: 'mfa_enabled' | 'email_change'; locked?: boolean }>;

/** Undo the change the link was sent for; this browser's session ends with the others. */
export const undoAction = validatedAction(
  z.object({ token: z.string().max(128) }),
  {},
  async ({ token }): Promise<UndoState> => {
    const result = await undoChange(token, await requestContext());
    if (!result.ok) return toActionState(result);
    await clearSessionCookieOf(result.userId);
    return { ok: true, undone: result.kind, locked: result.locked };
  },
);
