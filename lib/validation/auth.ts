import { CALLBACK_URL_MAX } from '@/lib/auth/callback-url';
import { messages } from '@/lib/messages';
import { checkboxField, currentPasswordField, emailField, newPasswordField } from './fields';
import { z } from './zod';

export const registerSchema = z
  .object({
    email: emailField,
    password: newPasswordField,
    confirmPassword: z.string(messages.confirmRequired).max(4096, messages.passwordsDiffer),
  })
  .refine((v) => v.confirmPassword.normalize('NFKC') === v.password, {
    path: ['confirmPassword'],
    message: messages.passwordsDiffer,
  });

export const loginSchema = z.object({
  email: emailField,
  password: currentPasswordField,
  remember: checkboxField,
  callbackUrl: z.string().max(CALLBACK_URL_MAX).optional().catch(undefined),
});

export type RegisterInput = z.input<typeof registerSchema>;
export type LoginInput = z.input<typeof loginSchema>;
