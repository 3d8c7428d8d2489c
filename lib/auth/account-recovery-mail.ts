import 'server-only';
import { composeMail } from '@/lib/email/compose';
import { appLink } from '@/lib/email/links';
import { sendMail } from '@/lib/email/send';
import { env } from '@/lib/env';
import { describeDevice, formatWhen } from '@/lib/format';
import type { RequestContext } from '@/lib/http/request-context';

/**
 * The mail that starts a recovery: the notice and both links at once. The owner who did not ask
 * learns of it now, while there is time to cancel; the person who asked learns when it can complete.
 */
export async function sendRecoveryMail(
  to: string,
  recovery: { completeToken: string; cancelToken: string; usableAt: Date },
  ctx: RequestContext,
): Promise<void> {
  const { APP_NAME } = env();
  const when = formatWhen(recovery.usableAt);
  const body = composeMail({
    paragraphs: [
      `Someone asked to recover the ${APP_NAME} account for ${to} without its authenticator app or backup codes.`,
      `Asked: ${formatWhen(new Date())}\nFrom: ${describeDevice(ctx.userAgent)}, IP address ${ctx.ip}`,
      `The recovery can be completed from ${when}, with the link below and the account's password. Completing it turns two-factor authentication off and signs out every session.`,
    ],
    action: {
      label: `Complete recovery (from ${when})`,
      url: appLink(`/account-recovery/complete/${recovery.completeToken}`),
    },
    after: [
      `If you did not ask for this, someone may know your password: cancel the recovery with the link below, then change your password. Signing in with your authenticator app or a backup code also cancels it.`,
    ],
    closingAction: {
      label: 'Cancel recovery',
      url: appLink(`/account-recovery/cancel/${recovery.cancelToken}`),
    },
  });
  await sendMail({ to, subject: `Account recovery requested for ${APP_NAME}`, ...body });
}

/**
 * The answer to a recovery asked for an account whose role requires two-factor: no link (it
 * cannot recover alone), only who can help. Still the notice the owner needs if it was not them.
 */
export async function sendRecoveryNeedsAdminMail(to: string, ctx: RequestContext): Promise<void> {
  const { APP_NAME } = env();
  const body = composeMail({
    paragraphs: [
      `Someone asked to recover the ${APP_NAME} account for ${to} without its authenticator app or backup codes.`,
      `Asked: ${formatWhen(new Date())}\nFrom: ${describeDevice(ctx.userAgent)}, IP address ${ctx.ip}`,
      `Your role requires two-factor authentication, so this account cannot be recovered alone: an administrator must reset two-factor authentication for you. Nothing about your account was changed.`,
      `If you did not ask for this, someone may know your password: change it.`,
    ],
    action: { label: 'Change your password', url: appLink('/settings/security') },
  });
  await sendMail({ to, subject: `Account recovery requested for ${APP_NAME}`, ...body });
}
