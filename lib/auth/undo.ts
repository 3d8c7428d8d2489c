import 'server-only';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { type Db, db } from '@/lib/db/client';
import { backupCodes, totpFactors, users } from '@/lib/db/schema';
import { appLink } from '@/lib/email/links';
import { type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { describeFailure } from '@/lib/log';
import { endRecoveriesForOldAddress } from './account-recovery';
import { issueEmailToken, peekEmailToken, redeemEmailToken, revokeEmailTokens } from './email-tokens';
import { twoFactorRequiredHeld } from './mfa-policy';
import { revokeOtherSessions } from './sessions';
import { removeAllTrustedDevices } from './trusted-devices';

/**
 * "This wasn't me": the link in the notice of a change that could lock the owner out (two-factor
 * turned on, a new address asked for). It proves only that the person reads the mailbox, so it can
 * only undo: the change is reverted, every session ends, and the person is sent to reset the
 * password, which is how they get back in. It never signs anyone in.
 */
export type UndoKind = 'mfa_enabled' | 'email_change';

/**
 * A link for the notice of a change; `previousEmail` is the address an email change would replace.
 * The change has happened by then, so a failure here is logged and the notice goes without it
 * (undefined) rather than turning a done change into an error page.
 */
export async function issueUndoLink(
  userId: string,
  change: { kind: 'mfa_enabled' } | { kind: 'email_change'; previousEmail: string },
): Promise<string | undefined> {
  try {
    const token =
      change.kind === 'mfa_enabled'
        ? await issueEmailToken({ userId, purpose: 'undo_mfa_enable' })
        : await issueEmailToken({ userId, purpose: 'undo_email_change', newEmail: change.previousEmail });
    return appLink(`/undo/${token}`);
  } catch (error) {
    console.error('latchkey: could not issue an undo link:', describeFailure(error));
    return undefined;
  }
}

/** What the undo page shows for a live link; null for anything else. Spends nothing. */
export async function inspectUndoLink(token: unknown): Promise<UndoKind | null> {
  if (await peekEmailToken(token, 'undo_mfa_enable')) return 'mfa_enabled';
  if (await peekEmailToken(token, 'undo_email_change')) return 'email_change';
  return null;
}

export type UndoResult =
  | { ok: true; kind: UndoKind; userId: string; signedOut: number; locked: boolean }
  | Refused<'undoLinkInvalid'>;

/**
 * Spend an undo link. In one transaction with the link: two-factor off (secret and backup codes
 * gone), or the address change cancelled (its link disabled) and, when it already went through,
 * the old address back (verified: the link reached it) unless another account took it meanwhile.
 * Then every session of the account ends, the intruder's first of all.
 */
export async function undoChange(token: unknown, ctx: RequestContext): Promise<UndoResult> {
  const database = await db();
  // Whose account the link is for, read before the transaction (on PGlite a read beside an open
  // transaction waits for it), so the change can hold the account's row first, the order every
  // flow that changes the account and its links or recoveries takes.
  const mfaLink = await peekEmailToken(token, 'undo_mfa_enable');
  const emailLink = mfaLink ? null : await peekEmailToken(token, 'undo_email_change');
  const done = await database.transaction(async (tx) => {
    const undone = await undoIn(tx, token, mfaLink?.userId, emailLink?.userId);
    if (!undone) return null;
    // Every session ends, and the event says so, with the undoing itself: all or nothing.
    const signedOut = await revokeOtherSessions(undone.userId, undefined, tx);
    // The intruder's way back without a code, if they trusted a device meanwhile.
    await removeAllTrustedDevices(undone.userId, tx, { ctx, reason: 'change_undone' });
    await recordEvent('change_undone', ctx, {
      userId: undone.userId,
      detail: { kind: undone.kind, signedOut, ...(undone.locked ? { locked: true } : {}) },
      tx,
    });
    return { ...undone, signedOut };
  });
  if (!done) return refused('undoLinkInvalid');
  return { ok: true, kind: done.kind, userId: done.userId, signedOut: done.signedOut, locked: done.locked };
}

async function undoIn(
  tx: Db,
  token: unknown,
  mfaUserId: string | undefined,
  emailUserId: string | undefined,
): Promise<{ kind: UndoKind; userId: string; locked: boolean } | null> {
  // The account's row first, as every change that turns two-factor off holds it (a role granted
  // meanwhile waits, or is read here).
  const required = mfaUserId ? await twoFactorRequiredHeld(mfaUserId, tx) : false;
  const mfa = mfaUserId ? await redeemEmailToken(token, 'undo_mfa_enable', tx) : null;
  if (mfa && mfa.userId === mfaUserId) {
    // Whatever the role (no assertMayTurnOff, unlike turning two-factor off): this removes an
    // enrollment the mailbox's owner did not make.
    await tx.delete(backupCodes).where(eq(backupCodes.userId, mfa.userId));
    const removed = await tx
      .delete(totpFactors)
      .where(eq(totpFactors.userId, mfa.userId))
      .returning({ userId: totpFactors.userId });
    // Every link that acts on the account goes too: the owner asks for a fresh reset next.
    await revokeEmailTokens(mfa.userId, undefined, tx);
    // But the link proves only the mailbox, and with two-factor off a reset link asks no code:
    // for an account whose role requires two-factor that would be the self-service recovery the
    // policy refuses it. So it is locked too (by nobody: locked_by stays empty) until an
    // administrator unlocks it, as after an administrator's lock.
    // (Only when there was a factor to remove: an old link after an administrator's reset
    // locks nothing.)
    const locks = required && removed.length > 0;
    if (locks) {
      await tx
        .update(users)
        .set({ lockedAt: new Date(), lockedBy: null, updatedAt: new Date() })
        .where(and(eq(users.id, mfa.userId), isNull(users.lockedAt)));
    }
    return { kind: 'mfa_enabled' as const, userId: mfa.userId, locked: locks };
  }
  if (!emailUserId) return null;
  // The account's row first (NO KEY UPDATE, as every change to the account takes it; the
  // address's UPDATE below upgrades it): a recovery completing at the same moment waits for this
  // change instead of holding the row and waiting for its recovery, which this change ends first
  // (a deadlock on PostgreSQL).
  await tx.select({ id: users.id }).from(users).where(eq(users.id, emailUserId)).for('no key update');
  const email = await redeemEmailToken(token, 'undo_email_change', tx);
  if (!email?.newEmail || email.userId !== emailUserId) return null;
  // The pending change, and any link mailed to the intruder's address once it was the account's
  // (a reset link asked for there would take the account straight back).
  await revokeEmailTokens(email.userId, undefined, tx);
  await endRecoveriesForOldAddress(email.userId, tx);
  const [taken] = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email.newEmail), ne(users.id, email.userId)))
    .limit(1);
  if (!taken) {
    await tx
      .update(users)
      .set({ email: email.newEmail, emailVerifiedAt: new Date(), updatedAt: new Date() })
      .where(eq(users.id, email.userId));
  }
  return { kind: 'email_change' as const, userId: email.userId, locked: false };
}
