import { currentPasswordField, emailRequestSchema } from './fields';
import { z } from './zod';

export const accountRecoverySchema = emailRequestSchema;

/** The token travels in a hidden field (it is also in the URL); its shape is checked where it is spent. */
export const completeRecoverySchema = z.object({
  token: z.string().max(128),
  password: currentPasswordField,
});

export const cancelRecoverySchema = z.object({ token: z.string().max(128) });

export type AccountRecoveryInput = z.input<typeof accountRecoverySchema>;
export type CompleteRecoveryInput = z.input<typeof completeRecoverySchema>;
