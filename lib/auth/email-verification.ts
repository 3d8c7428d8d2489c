import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { composeMail } from '@/lib/email/compose';
import { appLink } from '@/lib/email/links';
import { sendMail } from '@/lib/email/send';
import { env } from '@/lib/env';
import type { RateLimited } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { guarded } from '@/lib/rate-limit';
import { issueEmailToken, peekEmailToken, redeemEmailToken } from './email-tokens';

/**
 * Proving the address: a link with a one-time token (24 hours), sent at registration and on
 * request. A newer link disables the older ones (email-tokens.ts).
 */
export async function sendVerificationEmail(
  user: { id: string; email: string },
  ctx: RequestContext,
): Promise<void> {
  const token = await issueEmailToken({ userId: user.id, purpose: 'verify_email' });
  const { APP_NAME } = env();
  const body = composeMail({
    paragraphs: [`Please confirm that ${user.email} is your email address for ${APP_NAME}.`],
    action: { label: 'Verify email address', url: appLink(`/verify-email/${token}`) },
    after: [
      'The link works once, for 24 hours. If you did not create an account, you can ignore this email.',
    ],
  });
  await sendMail({ to: user.email, subject: `Verify your email address for ${APP_NAME}`, ...body });
  await recordEvent('email_verification_sent', ctx, { userId: user.id });
}

export type ResendResult = { ok: true } | RateLimited;

export async function resendVerificationEmail(
  user: { id: string; email: string },
  ctx: RequestContext,
): Promise<ResendResult> {
  return guarded(
    { name: 'verificationEmail', id: user.id },
    async () => {
      await sendVerificationEmail(user, ctx);
      return { ok: true } as const;
    },
    () => true,
  );
}

/** Spend a verification link. True when it was valid (and the address is now verified). */
export async function verifyEmail(token: unknown, ctx: RequestContext): Promise<boolean> {
  const database = await db();
  // Whose link it is, before the transaction, so the change holds the account's row before it
  // spends the link: the order of every change to the account and its links (see change-email).
  const link = await peekEmailToken(token, 'verify_email');
  if (!link) return false;
  // The link, the address verified and the event: all or nothing.
  return database.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, link.userId)).for('no key update');
    const redeemed = await redeemEmailToken(token, 'verify_email', tx);
    if (redeemed?.userId !== link.userId) return false;
    await tx
      .update(users)
      .set({ emailVerifiedAt: new Date() })
      .where(and(eq(users.id, redeemed.userId), isNull(users.emailVerifiedAt)));
    await recordEvent('email_verified', ctx, { userId: redeemed.userId, tx });
    return true;
  });
}
