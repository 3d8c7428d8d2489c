import 'server-only';
import { recordEvent } from '@/lib/audit';
import { sendSecurityNotice } from '@/lib/email/notices';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { regenerateBackupCodes } from '@/lib/mfa/backup-code-factor';
import { disableMfa } from '@/lib/mfa/factors';
import { beginEnrollment, completeEnrollment } from '@/lib/mfa/totp-factor';
import { guarded } from '@/lib/rate-limit';
import { assertMayTurnOff, TwoFactorRequiredError, twoFactorRequired } from './mfa-policy';
import { recheckPassword } from './recheck';
import { startSession } from './session-cookie';
import { revokeOtherSessions, revokeSession } from './sessions';
import { stepUp } from './step-up';
import { removeAllTrustedDevices } from './trusted-devices';
import { issueUndoLink } from './undo';

/** Who is changing their second factor: the DAL's session, reduced to what these flows use. */
type Owner = { userId: string; email: string; sessionId: string; remember: boolean };

export type StartSetupResult =
  | { ok: true; enrollment: { secret: string; uri: string; qrDataUrl: string } }
  | Refused<'mfaAlreadyOn'>
  | Refused<'currentPasswordWrong', 'password'>
  | RateLimited;

/**
 * A new pending authenticator secret to scan, after the password: a stolen session alone must
 * not be able to put its own authenticator on the account and lock the owner out. Wrong
 * passwords count as in-session re-checks; at most 3 set-ups an hour.
 */
export async function startTwoFactorSetup(
  owner: Owner,
  password: string,
  ctx: RequestContext,
): Promise<StartSetupResult> {
  const checked = await recheckPassword(owner, password, ctx);
  if (!checked.ok)
    return checked.kind === 'rate_limited' ? checked : refused('currentPasswordWrong', 'password');
  return guarded(
    { name: 'mfaSetup', id: owner.userId },
    async () => {
      const enrollment = await beginEnrollment(owner.userId, owner.email);
      if (!enrollment) return refused('mfaAlreadyOn');
      await recordEvent('mfa_setup_started', ctx, { userId: owner.userId });
      return {
        ok: true,
        enrollment: { secret: enrollment.secret, uri: enrollment.uri, qrDataUrl: enrollment.qrDataUrl },
      } as const;
    },
    // Every set-up shown counts; one refused because two-factor is already on shows nothing.
    (result) => result.ok,
  );
}

export type EnableResult = { ok: true; backupCodes: string[] } | Refused<'invalidCode', 'code'> | RateLimited;

/**
 * A correct code from the pending secret turns two-factor on. Every other session is signed out
 * (none of them passed the second factor) and this one continues under a new id, so a session id
 * seen before the change is worth nothing after it. Wrong codes: 10 per 15 minutes.
 */
export async function enableTwoFactor(
  owner: Owner,
  code: string,
  ctx: RequestContext,
  /** How this session continues under a new id: a browser's new cookie, or an API's new tokens. */
  continueSession: () => Promise<unknown> = () => startSession(owner.userId, owner.remember, ctx, true),
): Promise<EnableResult> {
  const result = await guarded({ name: 'mfaEnroll', id: owner.userId }, async () => {
    const backupCodes = await completeEnrollment(owner.userId, code, async (tx) => {
      await recordEvent('mfa_enabled', ctx, { userId: owner.userId, tx });
      // None should exist (turning it off removes them), but trust given under an earlier factor
      // must never come back to life with a new one, whatever path took the old one away.
      await removeAllTrustedDevices(owner.userId, tx);
    });
    if (backupCodes) return { ok: true, backupCodes } as const;
    await recordEvent('mfa_enable_failed', ctx, { userId: owner.userId });
    return refused('invalidCode', 'code');
  });
  if (!result.ok) return result;
  await revokeOtherSessions(owner.userId, owner.sessionId);
  await continueSession();
  await revokeSession(owner.sessionId);
  await sendSecurityNotice(owner.userId, { kind: 'mfa_enabled' }, ctx, {
    undoUrl: await issueUndoLink(owner.userId, { kind: 'mfa_enabled' }),
  });
  return result;
}

export type StepUpChangeResult<T> = ({ ok: true } & T) | Refused<'stepUpFailed'> | RateLimited;

/** New backup codes after the password and a current code; the old ones stop working at once. */
export async function regenerateCodes(
  owner: Owner,
  password: string,
  code: string,
  ctx: RequestContext,
): Promise<StepUpChangeResult<{ backupCodes: string[] }>> {
  // Each set costs ten argon2id hashes: a few an hour, counting only the ones made.
  return guarded(
    { name: 'backupCodesRegenerate', id: owner.userId },
    async () => {
      const check = await stepUp(owner.userId, password, code, ctx);
      if (!check.ok) return check.kind === 'rate_limited' ? check : refused('stepUpFailed');
      const backupCodes = await regenerateBackupCodes(owner.userId, (tx) =>
        recordEvent('backup_codes_regenerated', ctx, { userId: owner.userId, tx }),
      );
      await sendSecurityNotice(owner.userId, { kind: 'backup_codes_regenerated' }, ctx);
      return { ok: true, backupCodes } as const;
    },
    (result) => result.ok,
  );
}

/**
 * Two-factor off (secret and backup codes deleted) after the password and a current code. Not for
 * an account whose role requires it (MFA_REQUIRED_ROLES): refused before the step-up, which is
 * then not spent on a change that cannot happen, and again inside the change, where a role granted
 * in between is seen. (An administrator's reset is another path.)
 */
export async function disableTwoFactor(
  owner: Owner,
  password: string,
  code: string,
  ctx: RequestContext,
): Promise<StepUpChangeResult<object> | Refused<'mfaRequiredByRole'>> {
  if (await twoFactorRequired(owner.userId)) return refused('mfaRequiredByRole');
  const check = await stepUp(owner.userId, password, code, ctx);
  if (!check.ok) return check.kind === 'rate_limited' ? check : refused('stepUpFailed');
  try {
    await disableMfa(
      owner.userId,
      async (tx) => {
        await recordEvent('mfa_disabled', ctx, { userId: owner.userId, tx });
        // Trust stood in for a factor that is gone (and would come back to life if it were turned on again).
        await removeAllTrustedDevices(owner.userId, tx, { ctx, reason: 'mfa_disabled' });
      },
      // Again inside the change, the row held: a role granted since the first check stops it.
      (tx) => assertMayTurnOff(owner.userId, tx),
    );
  } catch (error) {
    if (error instanceof TwoFactorRequiredError) return refused('mfaRequiredByRole');
    throw error;
  }
  await sendSecurityNotice(owner.userId, { kind: 'mfa_disabled' }, ctx);
  return { ok: true };
}
