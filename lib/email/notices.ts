import 'server-only';
import { findAddressById } from '@/lib/db/users';
import { env } from '@/lib/env';
import { describeDevice } from '@/lib/format';
import type { RequestContext } from '@/lib/http/request-context';
import { describeFailure } from '@/lib/log';
import { LOW_BACKUP_CODES } from '@/lib/mfa/code-shapes';
import { guarded, type Limit } from '@/lib/rate-limit';
import { composeMail } from './compose';
import { appLink } from './links';
import { sendMail } from './send';

/**
 * Security notices: the mails a person must get when something about their account's security
 * changed, so that a change they did not make is noticed. Every notice is sent from here, with
 * the same shape: what happened, when and from where, and what to do if it was not them.
 */
export type SecurityNotice =
  | { kind: 'password_changed' }
  | { kind: 'password_reset' }
  | { kind: 'email_change_requested'; newEmail: string }
  | { kind: 'email_changed'; newEmail: string }
  | { kind: 'mfa_enabled' }
  | { kind: 'mfa_disabled' }
  | { kind: 'backup_code_used'; left: number }
  | { kind: 'backup_codes_regenerated' }
  | { kind: 'account_recovered' }
  | { kind: 'admin_mfa_reset' }
  | { kind: 'account_deleted' };

type Template = { subject: string; happened: string; extra?: string };

function template(notice: SecurityNotice, appName: string): Template {
  switch (notice.kind) {
    case 'password_changed':
      return {
        subject: `Your ${appName} password was changed`,
        happened: 'The password of your account was changed. Every other session was signed out.',
      };
    case 'password_reset':
      return {
        subject: `Your ${appName} password was reset`,
        happened:
          'The password of your account was reset with a link sent to this address. Every session was signed out.',
      };
    case 'email_change_requested':
      return {
        subject: `Someone asked to change the email address of your ${appName} account`,
        happened: `Someone signed in to your account asked to move it to ${notice.newEmail}. Once that address confirms, sign-in and recovery go there instead of here.`,
      };
    case 'email_changed':
      return {
        subject: `The email address of your ${appName} account was changed`,
        happened: `The email address of your account was changed from this address to ${notice.newEmail}. Mail about the account now goes there.`,
      };
    case 'mfa_enabled':
      return {
        subject: `Two-factor authentication is on for your ${appName} account`,
        happened:
          'Two-factor authentication was turned on: signing in now also asks for a code from an authenticator app.',
      };
    case 'mfa_disabled':
      return {
        subject: `Two-factor authentication was turned off for your ${appName} account`,
        happened: 'Two-factor authentication was turned off: signing in now asks for the password only.',
      };
    case 'backup_code_used': {
      const left = `${notice.left} backup code${notice.left === 1 ? '' : 's'} left`;
      return {
        subject: `A backup code was used for your ${appName} account`,
        happened: `One of your backup codes was used. You have ${left}.`,
        extra:
          notice.left <= LOW_BACKUP_CODES
            ? 'You are running low: generate new backup codes in your security settings.'
            : undefined,
      };
    }
    case 'backup_codes_regenerated':
      return {
        subject: `New backup codes for your ${appName} account`,
        happened: 'New backup codes were generated for your account. The old ones no longer work.',
      };
    case 'account_recovered':
      return {
        subject: `Your ${appName} account was recovered`,
        happened:
          'An account recovery started from this address has completed: two-factor authentication was turned off and every session was signed out. Set up two-factor authentication again in your security settings.',
      };
    case 'admin_mfa_reset':
      return {
        subject: `An administrator reset two-factor authentication for your ${appName} account`,
        happened:
          'An administrator reset your two-factor authentication: it is off now, your old authenticator codes and backup codes no longer work, trusted devices were removed and every session was signed out. Sign in with your password and set it up again in your security settings.',
      };
    case 'account_deleted':
      return {
        subject: `Your ${appName} account was deleted`,
        happened:
          'Your account and everything in it were deleted. You will get no more mail from us about it.',
      };
  }
}

/** What the undo link of a notice does, said before the person opens it. */
const UNDO_EFFECT: Partial<Record<SecurityNotice['kind'], string>> = {
  mfa_enabled: 'it turns two-factor authentication off again and signs out every session',
  email_change_requested:
    'it cancels the change (or moves the account back to this address) and signs out every session',
};

function composeNotice(
  notice: SecurityNotice,
  ctx: RequestContext,
  undoUrl: string | undefined,
  when: Date = new Date(),
) {
  const { APP_NAME } = env();
  const t = template(notice, APP_NAME);
  // The device as a short name, never the raw user agent: that is the requester's own text, and
  // a notice must not carry an attacker's words (or links) to the victim.
  // An administrator's device and address are theirs, not the account's: only when.
  const where =
    notice.kind === 'admin_mfa_reset'
      ? `When: ${when.toUTCString()}`
      : `When: ${when.toUTCString()}\nFrom: ${describeDevice(ctx.userAgent)}, IP address ${ctx.ip}`;
  const undoEffect = UNDO_EFFECT[notice.kind];
  if (undoEffect && undoUrl) {
    // A change that could lock the owner out: the one thing to do is undo it, from the mailbox.
    const body = composeMail({
      paragraphs: [
        t.happened,
        where,
        `If this wasn't you, open the link below: ${undoEffect}. Then reset your password. The link works once, for 24 hours, and signs no one in.`,
      ],
      action: { label: "This wasn't me", url: undoUrl },
      after: ['If it was you, you can ignore this email.'],
    });
    return { subject: t.subject, ...body };
  }
  const notYou =
    notice.kind === 'account_deleted'
      ? 'If you did not do this, reply to this email at once.'
      : notice.kind === 'admin_mfa_reset'
        ? `Not expected? Contact your administrator at once, and reset your password now: ${appLink('/forgot-password')}`
        : `If you did not do this, reset your password now: ${appLink('/forgot-password')}`;
  const body = composeMail({
    paragraphs: [t.happened, ...(t.extra ? [t.extra] : []), where],
    action:
      notice.kind === 'account_deleted'
        ? { label: `Open ${APP_NAME}`, url: appLink('/') }
        : { label: 'Review your security settings', url: appLink('/settings/security') },
    after: [notYou],
  });
  return { subject: t.subject, ...body };
}

/**
 * Send a notice to the account's address, or to `to` (the old address, for an email change; the
 * last address, for a deleted account), with a "This wasn't me" link when `undoUrl` is given. The change it reports has already happened, so a mail
 * failure is logged (by sendMail, without the address) and swallowed: it must not turn a done
 * change into an error page that invites the person to do it again.
 */
export async function sendSecurityNotice(
  userId: string,
  notice: SecurityNotice,
  ctx: RequestContext,
  options: { to?: string; undoUrl?: string } = {},
): Promise<boolean> {
  try {
    const account = options.to ? null : await findAddressById(userId);
    const to = options.to ?? account?.email;
    if (!to) return false;
    const id = `${userId}:${notice.kind}`;
    const limits: Limit[] = [{ name: 'securityNotice', id }];
    if (account && !account.verified) limits.push({ name: 'securityNoticeUnverified', id });
    const sent = await guarded(
      limits,
      async () => {
        await sendMail({ to, ...composeNotice(notice, ctx, options.undoUrl) });
        return { ok: true } as const;
      },
      () => true,
    );
    if (!sent.ok) console.info(`latchkey: security notice ${notice.kind} held back: too many of this kind`);
    return sent.ok;
  } catch (error) {
    console.error(`latchkey: security notice ${notice.kind} not sent:`, describeFailure(error));
    return false;
  }
}
