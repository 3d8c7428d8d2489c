import { z } from 'zod';
import { messages } from '@/lib/messages';

/**
 * Field schemas shared by forms (client) and actions (server). Pure zod: safe in any bundle.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/** NIST SP 800-63B §5.1.1.2: normalise Unicode (NFKC) before length checks and hashing. */
export function normalizePassword(raw: string): string {
  return raw.normalize('NFKC');
}

/** Length in code points, so an emoji counts as one character, as a person would count it. */
export function codePointLength(s: string): number {
  return Array.from(s).length;
}

export const emailField = z
  .string(messages.emailRequired)
  .trim()
  .min(1, messages.emailRequired)
  .max(254, messages.emailInvalid)
  .toLowerCase()
  .pipe(z.email(messages.emailInvalid));

/** A new password: length rules only; the policy (common list, email) runs on the server. */
export const newPasswordField = z
  .string(messages.passwordRequired)
  .max(PASSWORD_MAX * 4, messages.passwordTooLong)
  .transform(normalizePassword)
  .refine((p) => codePointLength(p) >= PASSWORD_MIN, messages.passwordTooShort)
  .refine((p) => codePointLength(p) <= PASSWORD_MAX, messages.passwordTooLong);

/** An existing password being checked: any length that could have been set. */
export const currentPasswordField = z
  .string(messages.passwordRequired)
  .min(1, messages.passwordRequired)
  .max(PASSWORD_MAX * 4, messages.invalidCredentials)
  .transform(normalizePassword);

/** An HTML checkbox: "on" when ticked, absent otherwise. */
export const checkboxField = z
  .union([z.literal('on'), z.literal('true'), z.boolean()])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true');
