import { z } from 'zod';
import { messages } from '@/lib/messages';
import { currentPasswordField, newPasswordField } from './fields';

export const changePasswordSchema = z
  .object({ currentPassword: currentPasswordField, newPassword: newPasswordField })
  .refine((v) => v.currentPassword !== v.newPassword, {
    path: ['newPassword'],
    message: messages.passwordUnchanged,
  });
