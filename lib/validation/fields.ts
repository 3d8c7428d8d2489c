import { messages } from '@/lib/messages';
import { PASSWORD_MAX, PASSWORD_MIN } from '@/lib/password-limits';
import { z } from './zod';

/**
 * Field schemas shared by forms (client) and actions (server). Pure zod: safe in any bundle.
 */

/** NIST SP 800-63B §5.1.1.2: normalise Unicode (NFKC) before length checks and hashing. */
export function normalizePassword(raw: string): string {
  return raw.normalize('NFKC');
}

/** False for strings with lone UTF-16 surrogates (text no keyboard produces). */
function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return false;
    }
  }
  return true;
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

/**
 * A new password: length rules only. The rest of the policy (lib/password-policy.ts) needs the
 * email, the app name and zxcvbn's dictionaries: the form runs it as an extra check on submit,
 * the server in the flow (register, reset, change).
 */
export const newPasswordField = z
  .string(messages.passwordRequired)
  .max(PASSWORD_MAX * 4, messages.passwordTooLong)
  // A lone surrogate reaches argon2 as U+FFFD, so several different inputs would share one hash.
  .refine(isWellFormed, messages.passwordMalformed)
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

/** A form whose only field is an address (a reset or recovery link is mailed to it). */
export const emailRequestSchema = z.object({ email: emailField });
