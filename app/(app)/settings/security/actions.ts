'use server';

import { revalidatePath } from 'next/cache';
import { type ActionState, toActionState } from '@/lib/action-state';
import { authenticatedAction } from '@/lib/actions';
import { recordEvent } from '@/lib/audit';
import { requestEmailChange } from '@/lib/auth/change-email';
import { changePassword } from '@/lib/auth/change-password';
import type { SessionDTO } from '@/lib/auth/dal';
import { listActiveSessions, revokeOtherSessions, revokeUserSession } from '@/lib/auth/sessions';
import { removeAllTrustedDevices } from '@/lib/auth/trusted-devices';
import {
  disableTwoFactor,
  enableTwoFactor,
  regenerateCodes,
  startTwoFactorSetup,
} from '@/lib/auth/two-factor';
import { db } from '@/lib/db/client';
import { env } from '@/lib/env';
import { sessionNames } from '@/lib/format';
import { requestContext } from '@/lib/http/request-context';
import { messages } from '@/lib/messages';
import { changeEmailSchema, changePasswordSchema } from '@/lib/validation/account';
import {
  enableSchema,
  revokeOtherSessionsSchema,
  revokeSessionSchema,
  startSetupSchema,
  stepUpSchema,
} from '@/lib/validation/mfa';

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

// The set-up's two steps stay open to an account the two-factor policy holds (they are what it
// must do); every other action here is refused to it (lib/actions.ts).
export const startSetupAction = authenticatedAction(
  startSetupSchema,
  { duringEnrollment: true },
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
  { duringEnrollment: true },
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

/** What the sessions list says after a sign-out: which session, or how many. */
export type SessionsState = ActionState<{
  signedOut: string;
  signedOutCount: number;
  /** Trusted devices removed with them (every one: see revokeOtherSessionsAction). */
  trustedRemoved: number;
}>;

/**
 * Sign out one other session of this account. The answer names it as its button did (the names
 * are made from the list as it was), so the confirmation says which one went.
 */
export const revokeSessionAction = authenticatedAction(
  revokeSessionSchema,
  {},
  async ({ sessionId }, session): Promise<SessionsState> => {
    // This browser's own session ends through Sign out, which also clears the cookie.
    if (sessionId === session.id) return { ok: false, error: messages.badRequest };
    const others = (await listActiveSessions(session.userId)).filter((s) => s.id !== session.id);
    const name = sessionNames(others).get(sessionId);
    const ctx = await requestContext();
    const revoked = await (await db()).transaction(async (tx) => {
      if (!(await revokeUserSession(session.userId, sessionId, tx))) return false;
      await recordEvent('session_revoked', ctx, { userId: session.userId, detail: { count: 1 }, tx });
      return true;
    });
    revalidatePath(PAGE);
    if (!revoked) return { ok: false, error: messages.sessionAlreadyEnded };
    // Started after the list was read (a race): it has no name from the list.
    return { ok: true, signedOut: name ?? 'that session' };
  },
);

export const revokeOtherSessionsAction = authenticatedAction(
  revokeOtherSessionsSchema,
  {},
  async (_data, session): Promise<SessionsState> => {
    const ctx = await requestContext();
    const { count, trusted } = await (await db()).transaction(async (tx) => {
      const n = await revokeOtherSessions(session.userId, session.id, tx);
      // "Sign out everywhere else" means no browser gets back in without a code either.
      const t = await removeAllTrustedDevices(session.userId, tx, { ctx, reason: 'signed_out_everywhere' });
      if (n > 0)
        await recordEvent('session_revoked', ctx, { userId: session.userId, detail: { count: n }, tx });
      return { count: n, trusted: t };
    });
    revalidatePath(PAGE);
    return { ok: true, signedOutCount: count, trustedRemoved: trusted };
  },
);

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
