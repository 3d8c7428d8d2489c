'use server';

import { revalidatePath } from 'next/cache';
import { type ActionState, toActionState } from '@/lib/action-state';
import { authenticatedAction } from '@/lib/actions';
import { recordEvent } from '@/lib/audit';
import { requestEmailChange } from '@/lib/auth/change-email';
import { changePassword } from '@/lib/auth/change-password';
import { getSession, type SessionDTO } from '@/lib/auth/dal';
import { revokeOtherSessions, revokeUserSession } from '@/lib/auth/sessions';
import {
  disableTwoFactor,
  enableTwoFactor,
  regenerateCodes,
  startTwoFactorSetup,
} from '@/lib/auth/two-factor';
import { db } from '@/lib/db/client';
import { env } from '@/lib/env';
import { requestContext } from '@/lib/http/request-context';
import { changeEmailSchema, changePasswordSchema } from '@/lib/validation/account';
import { enableSchema, revokeSessionSchema, startSetupSchema, stepUpSchema } from '@/lib/validation/mfa';

/**
 * A pending set-up as the page shows it: the QR code, the key to type, the otpauth:// link a phone
 * opens in its authenticator app, and what manual entry asks for.
 */
export type Enrollment = { secret: string; qrDataUrl: string; uri: string; account: string; issuer: string };

/** What the two-factor forms show next: the secret to scan, or new backup codes (once). */
export type MfaActionState = ActionState<{
  enrollment: Enrollment;
  backupCodes: string[];
}>;

const PAGE = '/settings/security';

const owner = (session: SessionDTO) => ({
  userId: session.userId,
  email: session.email,
  sessionId: session.id,
  remember: session.remember,
});

export const startSetupAction = authenticatedAction(
  startSetupSchema,
  {},
  async ({ password }, session): Promise<MfaActionState> => {
    const result = await startTwoFactorSetup(owner(session), password, await requestContext());
    if (!result.ok) return toActionState(result);
    const { secret, qrDataUrl, uri } = result.enrollment;
    return {
      ok: true,
      enrollment: { secret, qrDataUrl, uri, account: session.email, issuer: env().APP_NAME },
    };
  },
);

export const enableAction = authenticatedAction(
  enableSchema,
  {},
  async ({ code }, session): Promise<MfaActionState> => {
    const result = await enableTwoFactor(owner(session), code, await requestContext());
    if (!result.ok) return toActionState(result);
    revalidatePath(PAGE);
    return { ok: true, backupCodes: result.backupCodes };
  },
);

export const regenerateAction = authenticatedAction(
  stepUpSchema,
  {},
  async ({ password, code }, session): Promise<MfaActionState> => {
    const result = await regenerateCodes(owner(session), password, code, await requestContext());
    if (!result.ok) return toActionState(result);
    revalidatePath(PAGE);
    return { ok: true, backupCodes: result.backupCodes };
  },
);

export const disableAction = authenticatedAction(
  stepUpSchema,
  {},
  async ({ password, code }, session): Promise<MfaActionState> => {
    const result = await disableTwoFactor(owner(session), password, code, await requestContext());
    if (!result.ok) return toActionState(result);
    revalidatePath(PAGE);
    return { ok: true };
  },
);

/** Sign out one other session of this account (a form without state: the page re-renders). */
export async function revokeSessionAction(formData: FormData): Promise<void> {
  if (!(formData instanceof FormData)) return;
  const session = await getSession();
  const parsed = revokeSessionSchema.safeParse({ sessionId: formData.get('sessionId') });
  if (!session || !parsed.success || parsed.data.sessionId === session.id) return;
  const ctx = await requestContext();
  await (await db()).transaction(async (tx) => {
    if (await revokeUserSession(session.userId, parsed.data.sessionId, tx)) {
      await recordEvent('session_revoked', ctx, { userId: session.userId, detail: { count: 1 }, tx });
    }
  });
  revalidatePath(PAGE);
}

export async function revokeOtherSessionsAction(): Promise<void> {
  const session = await getSession();
  if (!session) return;
  const ctx = await requestContext();
  await (await db()).transaction(async (tx) => {
    const count = await revokeOtherSessions(session.userId, session.id, tx);
    if (count > 0)
      await recordEvent('session_revoked', ctx, { userId: session.userId, detail: { count }, tx });
  });
  revalidatePath(PAGE);
}

export const changePasswordAction = authenticatedAction(
  changePasswordSchema,
  {},
  async ({ currentPassword, newPassword }, session): Promise<ActionState> => {
    const result = await changePassword(
      { id: session.userId, email: session.email },
      currentPassword,
      newPassword,
      session.id,
      await requestContext(),
    );
    if (!result.ok) return toActionState(result);
    revalidatePath(PAGE);
    return { ok: true };
  },
);

export type ChangeEmailState = ActionState<{ sentTo: string }>;

/** Nothing changes here: the new address gets a link, and the change happens when it is opened. */
export const changeEmailAction = authenticatedAction(
  changeEmailSchema,
  { echo: ['newEmail'] },
  async ({ newEmail, password, code }, session, values): Promise<ChangeEmailState> => {
    const result = await requestEmailChange(
      { id: session.userId, email: session.email, sessionId: session.id },
      newEmail,
      password,
      code,
      await requestContext(),
    );
    if (!result.ok) return toActionState(result, values);
    revalidatePath(PAGE);
    return { ok: true, sentTo: newEmail };
  },
);
