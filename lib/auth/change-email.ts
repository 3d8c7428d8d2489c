import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { composeMail } from '@/lib/email/compose';
import { appLink } from '@/lib/email/links';
import { sendSecurityNotice } from '@/lib/email/notices';
import { sendMail } from '@/lib/email/send';
import { env } from '@/lib/env';
import { type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { guarded } from '@/lib/rate-limit';
import { endRecoveriesForOldAddress } from './account-recovery';
import { type ConfirmIdentityResult, confirmIdentity } from './confirm-identity';
import { issueEmailToken, peekEmailToken, redeemEmailToken, revokeEmailTokens } from './email-tokens';
import { issueUndoLink } from './undo';

export type RequestEmailChangeResult =
  | { ok: true }
  | Refused<'emailUnchanged', 'newEmail'>
  | Exclude<ConfirmIdentityResult, { ok: true }>;

/**
 * Ask for a new address. The address takes over sign-in and recovery, so the owner proves who
 * they are first (password, and a code when two-factor is on), and the new address proves it is
 * theirs by a link (1 hour): until then nothing changes.
 *
 * An address that already has an account gets a mail saying so instead of a link, and the
 * answer here is the same: the settings page does not become a way to test addresses.
 */
export async function requestEmailChange(
  user: { id: string; email: string; sessionId?: string },
  newEmail: string,
  password: string,
  code: string | undefined,
  ctx: RequestContext,
): Promise<RequestEmailChangeResult> {
  if (newEmail === user.email) return refused('emailUnchanged', 'newEmail');

  const identity = await confirmIdentity(user, password, code, ctx);
  if (!identity.ok) return identity;

  // Each request mails an address of the requester's choosing: a few an hour is plenty, and
  // every one counts.
  return guarded(
    { name: 'emailChange', id: user.id },
    async () => {
      const database = await db();
      const [taken] = await database
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.email, newEmail), ne(users.id, user.id)))
        .limit(1);
      const { APP_NAME } = env();
      if (taken) {
        const body = composeMail({
          paragraphs: [
            `Someone asked to move a ${APP_NAME} account to ${newEmail}, but this address already belongs to an account, so nothing was changed.`,
          ],
          action: { label: `Sign in to ${APP_NAME}`, url: appLink('/login') },
          after: ['If this was you, sign in with this address instead. Otherwise you can ignore this email.'],
        });
        await sendMail({ to: newEmail, subject: `This address already has a ${APP_NAME} account`, ...body });
      } else {
        const token = await issueEmailToken({ userId: user.id, purpose: 'change_email', newEmail });
        const body = composeMail({
          paragraphs: [
            `Please confirm that ${newEmail} should become the email address of your ${APP_NAME} account.`,
          ],
          action: { label: 'Confirm new email address', url: appLink(`/verify-email/${token}`) },
          after: [
            'The link works once, for 1 hour. Until you open it, your account keeps its current address.',
            'If you did not ask for this, you can ignore this email.',
          ],
        });
        await sendMail({ to: newEmail, subject: `Confirm your new email address for ${APP_NAME}`, ...body });
      }
      // The current address hears of it now, not only once it is done: its owner can stop a
      // change they did not ask for before it happens (or reverse it after).
      await sendSecurityNotice(user.id, { kind: 'email_change_requested', newEmail }, ctx, {
        to: user.email,
        undoUrl: await issueUndoLink(user.id, { kind: 'email_change', previousEmail: user.email }),
      });
      await recordEvent('email_change_requested', ctx, { userId: user.id });
      return { ok: true } as const;
    },
    () => true,
  );
}

export type ConfirmEmailChangeResult = { ok: true; email: string } | Refused<'linkInvalid' | 'emailInUse'>;

/**
 * Spend an address-change link. In one transaction: the token, the new address (verified, since
 * the link reached it), and every other unused link of the account, because those went to the
 * old address: a verification or reset link sent there must not act on the account any more.
 * The old address is told afterwards, so its owner can react to a change they did not make.
 */
export async function confirmEmailChange(
  token: unknown,
  ctx: RequestContext,
): Promise<ConfirmEmailChangeResult> {
  const database = await db();
  // Whose link it is, read before the transaction (on PGlite a read beside an open transaction
  // waits for it), so the change holds the account's row before it spends or revokes any link:
  // the order of every change to the account (an undo at the same moment would otherwise hold
  // the row and wait for this link while this waits for the row: a deadlock on PostgreSQL).
  const link = await peekEmailToken(token, 'change_email');
  if (!link) return refused('linkInvalid');
  const outcome = await database
    .transaction(async (tx) => {
      // NO KEY UPDATE, as the others take it; the address's UPDATE below upgrades it.
      const [current] = await tx
        .select({ email: users.email })
        .from(users)
        .where(eq(users.id, link.userId))
        .for('no key update');
      if (!current) return refused('linkInvalid');
      const redeemed = await redeemEmailToken(token, 'change_email', tx);
      if (!redeemed?.newEmail || redeemed.userId !== link.userId) return refused('linkInvalid');
      const newEmail = redeemed.newEmail;
      // Someone may have registered the address since the link was sent. The unique index is the
      // final word; this check only keeps the transaction from failing on it.
      const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, newEmail)).limit(1);
      if (taken) return refused('emailInUse');
      const now = new Date();
      await tx
        .update(users)
        .set({ email: newEmail, emailVerifiedAt: now, updatedAt: now })
        .where(eq(users.id, redeemed.userId));
      await revokeEmailTokens(redeemed.userId, undefined, tx);
      await endRecoveriesForOldAddress(redeemed.userId, tx);
      await recordEvent('email_changed', ctx, { userId: redeemed.userId, tx });
      return { ok: true, userId: redeemed.userId, oldEmail: current.email, email: newEmail } as const;
    })
    // A registration that took the address between the check and the update: rolled back whole.
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) return refused('emailInUse');
      throw error;
    });
  if (!outcome.ok) return outcome;
  await sendSecurityNotice(outcome.userId, { kind: 'email_changed', newEmail: outcome.email }, ctx, {
    to: outcome.oldEmail,
  });
  return { ok: true, email: outcome.email };
}

/** PostgreSQL's unique_violation, as postgres.js and PGlite report it (drizzle wraps it in `cause`). */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 3; depth++) {
    if ((e as { code?: unknown }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
