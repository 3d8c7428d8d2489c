import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { findCredentialsByEmail, findEmailById } from '@/lib/db/users';
import { composeMail } from '@/lib/email/compose';
import { MailError } from '@/lib/email/errors';
import { appLink } from '@/lib/email/links';
import { sendSecurityNotice } from '@/lib/email/notices';
import { sendMail } from '@/lib/email/send';
import { env } from '@/lib/env';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import { ipBucket } from '@/lib/http/ip-bucket';
import type { RequestContext } from '@/lib/http/request-context';
import type { MessageKey } from '@/lib/messages';
import { guessMethod, isMfaEnabled } from '@/lib/mfa/factors';
import { clearAttempts, emailKey, guarded } from '@/lib/rate-limit';
import { isAccountLocked } from './account-lock';
import { cancelPendingRecoveries } from './account-recovery';
import { issueEmailToken, peekEmailToken, redeemEmailToken, revokeEmailTokens } from './email-tokens';
import { hashPassword } from './password';
import { passwordPolicyError } from './password-policy';
import { afterSecondFactor, checkSecondFactor } from './second-factor';
import { revokeOtherSessions } from './sessions';
import { removeAllTrustedDevices } from './trusted-devices';

export type RequestResetResult = { ok: true } | RateLimited | Refused<'mailFailed'>;

/**
 * Ask for a reset link. Known and unknown addresses take the same path: both limiters, exactly
 * one mail, one audit row, the same answer (OWASP Forgot Password Cheat Sheet), so neither the
 * reply, its timing, the rate limit nor a mail failure tells whether an account exists. Every
 * request counts against the IP (3 an hour per address, 20 per IP); one whose mail could not be
 * sent is given back to the address, so the person can ask again once mail works, while the IP
 * keeps it: an outage does not make us hammer the mail server on anyone's behalf.
 */
export async function requestPasswordReset(email: string, ctx: RequestContext): Promise<RequestResetResult> {
  const result = await guarded(
    { name: 'passwordResetIp', id: ipBucket(ctx.ip) },
    () =>
      guarded(
        { name: 'passwordResetAddress', id: emailKey(email) },
        async () => {
          try {
            const account = await findCredentialsByEmail(email);
            if (account?.locked) {
              // No link while an administrator's lock holds: a new password set now would be
              // waiting for whoever read this mailbox the moment the lock is lifted.
              await sendMail({ to: email, ...lockedMail(email) });
            } else if (account) {
              const token = await issueEmailToken({ userId: account.id, purpose: 'reset_password' });
              await sendMail({ to: email, ...resetMail(email, token) });
            } else {
              await sendMail({ to: email, ...noAccountMail(email) });
            }
            // Never the typed address: for an unknown one the row says only that a request came from here.
            await recordEvent('password_reset_requested', ctx, { userId: account?.id ?? null });
            return { ok: true } as const;
          } catch (error) {
            if (error instanceof MailError) return refused('mailFailed');
            throw error;
          }
        },
        (r) => r.ok,
      ),
    (r) => r.ok || r.kind !== 'rate_limited',
  );
  return result;
}

function resetMail(email: string, token: string) {
  const { APP_NAME } = env();
  return {
    subject: `Reset your ${APP_NAME} password`,
    ...composeMail({
      paragraphs: [`Someone asked to reset the password of the ${APP_NAME} account for ${email}.`],
      action: { label: 'Choose a new password', url: appLink(`/reset-password/${token}`) },
      after: [
        'The link works once, for 1 hour. Using it signs out every session of your account.',
        'If you did not ask for this, you can ignore this email: your password stays as it is.',
      ],
    }),
  };
}

function lockedMail(email: string) {
  const { APP_NAME } = env();
  return {
    subject: `Password reset requested for ${APP_NAME}`,
    ...composeMail({
      paragraphs: [
        `Someone asked to reset the password of the ${APP_NAME} account for ${email}, but the account is locked, so no reset link was sent.`,
        'Ask an administrator to unlock it; then ask for a reset link again.',
      ],
      action: { label: 'Ask again after the unlock', url: appLink('/forgot-password') },
      after: ['If you did not ask for this, you can ignore this email.'],
    }),
  };
}

function noAccountMail(email: string) {
  const { APP_NAME } = env();
  return {
    subject: `Password reset requested for ${APP_NAME}`,
    ...composeMail({
      paragraphs: [
        `Someone asked to reset the password of a ${APP_NAME} account for ${email}, but no account uses this address.`,
        'If you have an account under another address, ask again with that one.',
      ],
      action: { label: 'Ask again', url: appLink('/forgot-password') },
      after: ['If you did not ask for this, you can ignore this email.'],
    }),
  };
}

/** What the reset page shows for a live link; null for anything else. Spends nothing. */
export async function inspectResetLink(
  token: unknown,
): Promise<{ email: string; mfaRequired: boolean } | null> {
  const link = await peekEmailToken(token, 'reset_password');
  const email = link ? await findEmailById(link.userId) : null;
  if (!link || !email) return null;
  return { email, mfaRequired: await isMfaEnabled(link.userId) };
}

export type ResetPasswordResult =
  | { ok: true; userId: string; signedOut: number }
  | Refused<'resetLinkInvalid'>
  | Refused<MessageKey, 'newPassword' | 'code'>
  | Refused<'accountLocked'>
  | RateLimited;

const INVALID_LINK = refused('resetLinkInvalid');

/**
 * Spend a reset link. The mailbox alone does not take over an account with two-factor on: a
 * code is checked first, counted where sign-in counts it. Nothing a person can get wrong (the
 * password policy, the code) spends the link; the link, the new hash and the revocation of the
 * account's other links commit together, and then every session ends.
 */
export async function resetPassword(
  token: unknown,
  newPassword: string,
  code: string | undefined,
  ctx: RequestContext,
): Promise<ResetPasswordResult> {
  const link = await peekEmailToken(token, 'reset_password');
  const email = link ? await findEmailById(link.userId) : null;
  if (!link || !email) return INVALID_LINK;
  const { userId } = link;

  const policy = await passwordPolicyError(newPassword, email);
  if (policy) return refused(policy, 'newPassword');
  // Locked by an administrator (or by undoing two-factor from the mailbox): no new password until
  // it is unlocked. Asked again inside the change.
  if (await isAccountLocked(userId)) return refused('accountLocked');

  if (await isMfaEnabled(userId)) {
    if (!code) return refused('codeRequired', 'code');
    const check = await checkSecondFactor(userId, guessMethod(code), code, ctx, 'password_reset');
    if (!check.ok) return check.kind === 'rate_limited' ? check : refused('invalidCode', 'code');
    await afterSecondFactor(userId, check, ctx);
    await cancelPendingRecoveries(userId, ctx, 'password_reset');
  }

  const passwordHash = await hashPassword(newPassword);
  const database = await db();
  const done = await database.transaction(async (tx) => {
    // The account's row first, the order of the changes that also spend or revoke its links (the
    // undo links, account recovery), then the lock once more with the row held.
    const [account] = await tx
      .select({ lockedAt: users.lockedAt })
      .from(users)
      .where(eq(users.id, userId))
      .for('no key update');
    if (!account) return null;
    if (account.lockedAt) return 'locked' as const;
    // The conditional UPDATE decides between concurrent uses: the losers change nothing.
    const redeemed = await redeemEmailToken(token, 'reset_password', tx);
    if (redeemed?.userId !== userId) return null;
    const now = new Date();
    await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId));
    // The link reached the address, which proves it.
    await tx
      .update(users)
      .set({ emailVerifiedAt: now })
      .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt)));
    // Other reset links would undo this one; a pending address change may be the intruder's
    // way back in (it needs no session), so it has to be asked for again by the owner.
    await revokeEmailTokens(userId, ['reset_password', 'change_email'], tx);
    // Every session ends, and the event says so, with the new password: all or nothing.
    const count = await revokeOtherSessions(userId, undefined, tx);
    await removeAllTrustedDevices(userId, tx, { ctx, reason: 'password_reset' });
    await recordEvent('password_reset', ctx, { userId, detail: { signedOut: count }, tx });
    return { signedOut: count };
  });
  if (!done) return INVALID_LINK;
  if (done === 'locked') return refused('accountLocked');
  const { signedOut } = done;
  // Failed sign-ins were guesses at the old password: the owner is not kept waiting for them.
  await clearAttempts('signInAccount', emailKey(email));
  await sendSecurityNotice(userId, { kind: 'password_reset' }, ctx);
  return { ok: true, userId, signedOut };
}
