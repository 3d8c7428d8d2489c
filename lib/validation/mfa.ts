import { z } from 'zod';
import { messages } from '@/lib/messages';
import { currentPasswordField } from './fields';

/** Shape checks only (client and server); lib/mfa normalises and verifies. */
const TOTP = /^\d{6}$/;
const BACKUP = /^[0-9A-Za-z]{10}$/;
const compact = (s: string) => s.replace(/[\s-]/g, '');

export const totpCodeField = z
  .string(messages.totpRequired)
  .trim()
  .min(1, messages.totpRequired)
  .max(32, messages.totpFormat)
  .refine((s) => TOTP.test(compact(s)), messages.totpFormat);

export const backupCodeField = z
  .string(messages.backupRequired)
  .trim()
  .min(1, messages.backupRequired)
  .max(64, messages.backupFormat)
  .refine((s) => BACKUP.test(compact(s)), messages.backupFormat);

/** Step-up accepts either kind in one field. */
export const anyCodeField = z
  .string(messages.totpRequired)
  .trim()
  .min(1, messages.totpRequired)
  .max(64, messages.anyCodeFormat)
  .refine((s) => TOTP.test(compact(s)) || BACKUP.test(compact(s)), messages.anyCodeFormat);

const callbackUrl = z.string().max(2048).optional().catch(undefined);
export const verifyTotpSchema = z.object({ code: totpCodeField, callbackUrl });
export const verifyBackupSchema = z.object({ backupCode: backupCodeField, callbackUrl });
export const enableSchema = z.object({ code: totpCodeField });
export const stepUpSchema = z.object({ password: currentPasswordField, code: anyCodeField });
export const revokeSessionSchema = z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/) });
