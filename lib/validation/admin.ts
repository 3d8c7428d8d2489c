import { stepUpSchema } from './mfa';
import { z } from './zod';

/**
 * An administrator's action on an account (/admin/users/[id]): which one (the button pressed), on
 * whom, and the administrator's own step-up. The form validates only the step-up fields it shows;
 * the server parses all of them.
 */
export const ADMIN_OPERATIONS = ['sign_out_everywhere', 'reset_two_factor', 'lock', 'unlock'] as const;

export const adminActionSchema = stepUpSchema.extend({
  userId: z.string().max(64),
  operation: z.enum(ADMIN_OPERATIONS),
});
