import { messages } from '@/lib/messages';
import { currentPasswordField, emailField, newPasswordField } from './fields';
import { anyCodeField } from './mfa';
import { z } from './zod';

export const changePasswordSchema = z
  .object({ currentPassword: currentPasswordField, newPassword: newPasswordField })
  .refine((v) => v.currentPassword !== v.newPassword, {
    path: ['newPassword'],
    message: messages.passwordUnchanged,
  });

/**
 * A second-factor code where one may be needed: blank means "none given" (the server knows
 * whether the account needs one and says so); anything typed must look like a code.
 */
export const optionalCodeField = z
  .string()
  .trim()
  .max(64, messages.anyCodeFormat)
  .optional()
  .transform((s) => (s ? s : undefined))
  .pipe(anyCodeField.optional());

/** Password, and a code when two-factor is on: before a change that takes the account away. */
const confirmIdentityFields = { password: currentPasswordField, code: optionalCodeField };

export const changeEmailSchema = z.object({ newEmail: emailField, ...confirmIdentityFields });
export const deleteAccountSchema = z.object(confirmIdentityFields);
