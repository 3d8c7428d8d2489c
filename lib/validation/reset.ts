import { optionalCodeField } from './account';
import { emailRequestSchema, newPasswordField } from './fields';
import { z } from './zod';

export const forgotPasswordSchema = emailRequestSchema;

/**
 * The token travels in a hidden field (it is also in the URL); its shape is checked where it is
 * spent. The code is optional here because only the server knows whether the account needs one.
 */
export const resetPasswordSchema = z.object({
  token: z.string().max(128),
  newPassword: newPasswordField,
  code: optionalCodeField,
});

export type ForgotPasswordInput = z.input<typeof forgotPasswordSchema>;
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;
