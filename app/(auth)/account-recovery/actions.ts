'use server';

import { toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { requestAccountRecovery } from '@/lib/auth/account-recovery';
import { requestContext } from '@/lib/http/request-context';
import { withFloor } from '@/lib/timing';
import { accountRecoverySchema } from '@/lib/validation/recovery';

/**
 * Every address answers at this floor, as on /forgot-password: an eligible one costs a recovery
 * row more (its mail goes out after the reply), and timing must not tell them apart.
 */
const REPLY_FLOOR_MS = 400;

/** The same answer for any address: only the mailbox learns whether a recovery started. */
export const accountRecoveryAction = validatedAction(
  accountRecoverySchema,
  { echo: ['email'] },
  async ({ email }, values) => {
    const ctx = await requestContext();
    const result = await withFloor(REPLY_FLOOR_MS, () => requestAccountRecovery(email, ctx));
    return result.ok ? { ok: true, values } : toActionState(result, values);
  },
);
