import { messages } from '@/lib/messages';
import { PASSWORD_MAX, PASSWORD_MIN } from '@/lib/password-limits';
import { currentPasswordField, emailField, newPasswordField } from './fields';
import { anyCodeField, enableSchema, revokeSessionSchema, startSetupSchema, stepUpSchema } from './mfa';
import { z } from './zod';

/**
 * What /api/v1 reads and writes. The fields are the forms' own (same trimming, normalisation and
 * limits); only the object shapes are the API's. These schemas are also the OpenAPI document
 * (lib/api/openapi.ts), so the document cannot drift from what the handlers accept.
 */
const opaqueToken = z
  .string()
  .min(1)
  .max(128)
  .meta({ description: 'An opaque token, exactly as it was received' });

export const apiRegisterSchema = z.object({
  email: emailField.meta({ format: 'email' }),
  password: newPasswordField.meta({
    description: `${PASSWORD_MIN}–${PASSWORD_MAX} characters after NFKC; refused when weak, common, repetitive or sequential, or when it contains the address or the app's name (fields.password says why)`,
  }),
});
export const apiLoginSchema = z.object({
  email: emailField.meta({ format: 'email' }),
  password: currentPasswordField,
});
export const apiMfaVerifySchema = z.object({
  challengeToken: opaqueToken,
  code: anyCodeField.meta({ description: 'A 6-digit authenticator code, or one of the backup codes' }),
});
export const apiRefreshSchema = z.object({ refreshToken: opaqueToken });
export const apiMfaSetupSchema = startSetupSchema;
export const apiMfaEnableSchema = enableSchema;
export const apiMfaDisableSchema = stepUpSchema;
export const apiSessionIdSchema = z.object({
  id: revokeSessionSchema.shape.sessionId.meta({ description: 'A session id, as listed' }),
});

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'invalid_credentials' }),
      message: z.string().meta({ example: messages.invalidCredentials }),
      fields: z.record(z.string(), z.string()).optional(),
    }),
  })
  .meta({ id: 'Error' });

const userSchema = z.object({ id: z.string(), email: z.string() });

export const tokensSchema = z
  .object({
    accessToken: z.string().meta({ description: 'ES256 JWT, verifiable with /.well-known/jwks.json' }),
    refreshToken: z.string().meta({ description: 'Opaque; works once, and the answer carries the next one' }),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().meta({ description: 'Seconds the access token is valid for', example: 3600 }),
    user: userSchema,
  })
  .meta({ id: 'Tokens' });

export const mfaRequiredSchema = z
  .object({
    mfaRequired: z.literal(true),
    challengeToken: z.string().meta({ description: 'For POST /api/v1/auth/mfa/verify; 5 minutes, 5 tries' }),
    methods: z.array(z.enum(['totp', 'backup_code'])),
  })
  .meta({ id: 'MfaRequired' });

export const registeredSchema = z.object({ user: userSchema });

export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  mfaEnabled: z.boolean(),
  roles: z.array(z.enum(['user', 'admin'])).meta({
    description:
      'The roles the account holds: every account is a `user`; an administrator is `user` and `admin` (granted with `npm run admin:grant`)',
  }),
});

export const mfaSetupSchema = z.object({
  otpauthUri: z.string(),
  qrCodeDataUrl: z.string(),
  manualEntryKey: z.string().meta({ description: 'The same secret, base32, for typing in by hand' }),
});

export const mfaEnabledSchema = tokensSchema
  .omit({ user: true })
  .extend({
    backupCodes: z.array(z.string()).meta({ description: 'Shown this once; each works once' }),
  })
  .meta({
    description:
      'Two-factor is on. Every other session ended, and this one continues under new tokens (the old ones stop working).',
  });

export const sessionListSchema = z.object({
  sessions: z.array(
    z.object({
      id: z.string(),
      client: z.enum(['web', 'api']),
      current: z.boolean(),
      ipAddress: z.string().nullable(),
      userAgent: z.string().nullable(),
      createdAt: z.string().meta({ format: 'date-time' }),
      lastSeenAt: z.string().meta({ format: 'date-time' }),
    }),
  ),
});
