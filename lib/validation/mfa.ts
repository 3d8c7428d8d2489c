import { CALLBACK_URL_MAX } from '@/lib/auth/callback-url';
import { messages } from '@/lib/messages';
import { normalizeBackupCode, normalizeTotpCode } from '@/lib/mfa/code-shapes';
import { checkboxField, currentPasswordField } from './fields';
import { z } from './zod';

/**
 * Shape checks only (client and server). The factors' own normalisation decides the shape, so a
 * form never refuses a code the factor would accept (a backup code pasted with Unicode dashes).
 */
const isTotp = (s: string) => normalizeTotpCode(s) !== null;
const isBackup = (s: string) => normalizeBackupCode(s) !== null;

const totpCodeField = z
  .string(messages.totpRequired)
  .trim()
  .min(1, messages.totpRequired)
  .max(32, messages.totpFormat)
  .refine(isTotp, messages.totpFormat);

const backupCodeField = z
  .string(messages.backupRequired)
  .trim()
  .min(1, messages.backupRequired)
  .max(64, messages.backupFormat)
  .refine(isBackup, messages.backupFormat);

/** Step-up accepts either kind in one field. */
export const anyCodeField = z
  .string(messages.totpRequired)
  .trim()
  .min(1, messages.totpRequired)
  .max(64, messages.anyCodeFormat)
  .refine((s) => isTotp(s) || isBackup(s), messages.anyCodeFormat);

const callbackUrl = z.string().max(CALLBACK_URL_MAX).optional().catch(undefined);
/** `trust`: "Trust this device for 30 days" (lib/auth/trusted-devices.ts). */
export const verifyTotpSchema = z.object({ code: totpCodeField, callbackUrl, trust: checkboxField });
export const verifyBackupSchema = z.object({
  backupCode: backupCodeField,
  callbackUrl,
  trust: checkboxField,
});
/** A trusted device's handle: the SHA-256 (hex) of its token, as the list shows it. */
export const removeTrustedDeviceSchema = z.object({ deviceId: z.string().regex(/^[0-9a-f]{64}$/) });
export const removeAllTrustedDevicesSchema = z.object({});
export const enableSchema = z.object({ code: totpCodeField });
/** Set-up shows a secret: the password comes first (a stolen session alone must not get that far). */
export const startSetupSchema = z.object({ password: currentPasswordField });
export const stepUpSchema = z.object({ password: currentPasswordField, code: anyCodeField });
export const revokeSessionSchema = z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/) });
/** `Sign out all other sessions`: nothing to read but the session itself. */
export const revokeOtherSessionsSchema = z.object({});
