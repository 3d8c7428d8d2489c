'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import type { ActionState } from '@/lib/action-state';
import { authenticatedAction } from '@/lib/actions';
import { recordEvent } from '@/lib/audit';
import { requestEmailChange } from '@/lib/auth/change-email';
import { changePassword } from '@/lib/auth/change-password';
import { getSession, type SessionDTO } from '@/lib/auth/dal';
import { startSession } from '@/lib/auth/session-cookie';
import { revokeOtherSessions, revokeSession, revokeUserSession } from '@/lib/auth/sessions';
import { sendSecurityNotice } from '@/lib/email/notices';
import { type RequestContext, requestContext } from '@/lib/http/request-context';
import { messages, tooManyAttempts } from '@/lib/messages';
import { beginEnrollment, completeEnrollment, disableMfa, regenerateBackupCodes } from '@/lib/mfa/factors';
import { stepUp } from '@/lib/mfa/step-up';
import { consume } from '@/lib/rate-limit';
import { changeEmailSchema, changePasswordSchema } from '@/lib/validation/account';
import { enableSchema, revokeSessionSchema, stepUpSchema } from '@/lib/validation/mfa';

export type MfaActionState = ActionState & {
  enrollment?: { secret: string; qrDataUrl: string };
  backupCodes?: string[];
};

const PAGE = '/settings/security';

const noInput = z.object({});

export const startSetupAction = authenticatedAction<typeof noInput, MfaActionState>(
  noInput,
  {},
  async (_data, session) => {
    const ctx = await requestContext();
    const attempt = await consume('mfaSetup', session.userId);
    if (!attempt.allowed) return { ok: false, error: tooManyAttempts(attempt.retryAt) };
    const enrollment = await beginEnrollment(session.userId, session.email);
    if (!enrollment) {
      await attempt.refund();
      return { ok: false, error: messages.mfaAlreadyOn };
    }
    await recordEvent('mfa_setup_started', ctx, { userId: session.userId });
    return { ok: true, enrollment: { secret: enrollment.secret, qrDataUrl: enrollment.qrDataUrl } };
  },
);

/**
 * A correct code turns two-factor on. Every other session is signed out (none of them passed
 * the second factor) and this one continues under a new id.
 */
export const enableAction = authenticatedAction<typeof enableSchema, MfaActionState>(
  enableSchema,
  {},
  async ({ code }, session) => {
    const ctx = await requestContext();
    const attempt = await consume('mfaEnroll', session.userId);
    if (!attempt.allowed) return { ok: false, error: tooManyAttempts(attempt.retryAt) };
    let backupCodes: string[] | null;
    try {
      backupCodes = await completeEnrollment(session.userId, code);
    } catch (error) {
      await attempt.refund();
      throw error;
    }
    if (!backupCodes) {
      await recordEvent('mfa_enable_failed', ctx, { userId: session.userId });
      return { ok: false, fieldErrors: { code: messages.invalidCode } };
    }
    await attempt.refund();
    await recordEvent('mfa_enabled', ctx, { userId: session.userId });
    await revokeOtherSessions(session.userId, session.id);
    await startSession(session.userId, session.remember, ctx, true);
    await revokeSession(session.id);
    await sendSecurityNotice(session.userId, { kind: 'mfa_enabled' }, ctx);
    revalidatePath(PAGE);
    return { ok: true, backupCodes };
  },
);

/** Changes to the second factor itself: password and a current code first, on the server. */
function stepUpAction(run: (session: SessionDTO, ctx: RequestContext) => Promise<MfaActionState>) {
  return authenticatedAction<typeof stepUpSchema, MfaActionState>(
    stepUpSchema,
    {},
    async ({ password, code }, session) => {
      const ctx = await requestContext();
      const check = await stepUp(session.userId, password, code, ctx);
      if (!check.ok) {
        return {
          ok: false,
          error: check.reason === 'rate_limited' ? tooManyAttempts(check.retryAt) : messages.stepUpFailed,
        };
      }
      const result = await run(session, ctx);
      revalidatePath(PAGE);
      return result;
    },
  );
}

export const regenerateAction = stepUpAction(async (session, ctx) => {
  const backupCodes = await regenerateBackupCodes(session.userId);
  await recordEvent('backup_codes_regenerated', ctx, { userId: session.userId });
  await sendSecurityNotice(session.userId, { kind: 'backup_codes_regenerated' }, ctx);
  return { ok: true, backupCodes };
});

export const disableAction = stepUpAction(async (session, ctx) => {
  await disableMfa(session.userId);
  await recordEvent('mfa_disabled', ctx, { userId: session.userId });
  await sendSecurityNotice(session.userId, { kind: 'mfa_disabled' }, ctx);
  return { ok: true };
});

/** Sign out one other session of this account (a form without state: the page re-renders). */
export async function revokeSessionAction(formData: FormData): Promise<void> {
  const session = await getSession();
  const parsed = revokeSessionSchema.safeParse({ sessionId: formData.get('sessionId') });
  if (!session || !parsed.success || parsed.data.sessionId === session.id) return;
  if (await revokeUserSession(session.userId, parsed.data.sessionId)) {
    await recordEvent('session_revoked', await requestContext(), {
      userId: session.userId,
      detail: { count: 1 },
    });
  }
  revalidatePath(PAGE);
}

export async function revokeOtherSessionsAction(): Promise<void> {
  const session = await getSession();
  if (!session) return;
  const count = await revokeOtherSessions(session.userId, session.id);
  if (count > 0) {
    await recordEvent('session_revoked', await requestContext(), {
      userId: session.userId,
      detail: { count },
    });
  }
  revalidatePath(PAGE);
}

export const changePasswordAction = authenticatedAction(
  changePasswordSchema,
  {},
  async ({ currentPassword, newPassword }, session) => {
    const result = await changePassword(
      { id: session.userId, email: session.email },
      currentPassword,
      newPassword,
      session.id,
      await requestContext(),
    );
    if (!result.ok) {
      if ('reason' in result) return { ok: false, error: tooManyAttempts(result.retryAt) };
      return { ok: false, fieldErrors: { [result.field]: result.message } };
    }
    revalidatePath(PAGE);
    return { ok: true };
  },
);

export type ChangeEmailState = ActionState & { sentTo?: string };

/** Nothing changes here: the new address gets a link, and the change happens when it is opened. */
export const changeEmailAction = authenticatedAction<typeof changeEmailSchema, ChangeEmailState>(
  changeEmailSchema,
  { echo: ['newEmail'] },
  async ({ newEmail, password, code }, session, values) => {
    const result = await requestEmailChange(
      { id: session.userId, email: session.email },
      newEmail,
      password,
      code,
      await requestContext(),
    );
    if (result.ok) {
      revalidatePath(PAGE);
      return { ok: true, sentTo: newEmail };
    }
    if ('field' in result) return { ok: false, fieldErrors: { [result.field]: result.message }, values };
    return { ok: false, error: result.error, values };
  },
);
