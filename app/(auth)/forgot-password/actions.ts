'use server';

import { toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { requestPasswordReset } from '@/lib/auth/password-reset';
import { requestContext } from '@/lib/http/request-context';
import { withFloor } from '@/lib/timing';
import { forgotPasswordSchema } from '@/lib/validation/reset';

/**
 * Both paths answer at this floor: an address with an account costs a token more than one
 * without (a few ms, `npm run bench` measures it), and timing must not tell them apart. Both
 * send one mail, so a slow mail server slows both alike.
 */
const REPLY_FLOOR_MS = 400;

/** The same answer whether or not an account uses the address: only the mailbox learns which. */
export const forgotPasswordAction = validatedAction(
  forgotPasswordSchema,
  { echo: ['email'] },
  async ({ email }, values) => {
    const ctx = await requestContext();
    const result = await withFloor(REPLY_FLOOR_MS, () => requestPasswordReset(email, ctx));
    return result.ok ? { ok: true, values } : toActionState(result, values);
  },
);
