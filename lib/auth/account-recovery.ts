import 'server-only';
import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import { type Db, db } from '@/lib/db/client';
import { accountRecoveries, type RecoveryEnd, users } from '@/lib/db/schema';
import { findAddressById, findCredentialsByEmail } from '@/lib/db/users';
import { sendSecurityNotice } from '@/lib/email/notices';
import { env } from '@/lib/env';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import { ipBucket } from '@/lib/http/ip-bucket';
import type { RequestContext } from '@/lib/http/request-context';
import { describeFailure } from '@/lib/log';
import { disableMfa } from '@/lib/mfa/factors';
import { emailKey, guarded } from '@/lib/rate-limit';
import { AccountLockedError, isAccountLocked } from './account-lock';
import { sendRecoveryMail, sendRecoveryNeedsAdminMail } from './account-recovery-mail';
import { passwordSignIn } from './login';
import { assertMayTurnOff, TwoFactorRequiredError, twoFactorRequired } from './mfa-policy';
import { revokeOtherSessions } from './sessions';
import { removeAllTrustedDevices } from './trusted-devices';

/**
 * Account recovery when every second factor is lost (the contract's "Account recovery when every
 * factor is lost"). The mailbox and the password together would otherwise take over an account
 * whose owner turned two-factor on precisely so that they would not; the waiting period is what
 * makes the difference: the owner is told at once, by mail, and has RECOVERY_DELAY_HOURS to cancel
 * it (the mail's `Cancel recovery` link, or simply signing in with the second factor). Only then
 * does the link accept the password, turn two-factor off and end every session.
 */

/** After the wait, how long the link keeps working: a week to get round to it. */
export const RECOVERY_LINK_MS = 7 * 24 * 60 * 60 * 1000;

// randomToken(): 32 bytes, base64url without padding. Anything else is refused before hashing.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const hashIfWellFormed = (token: unknown): string | null =>
  typeof token === 'string' && TOKEN_SHAPE.test(token) ? hashToken(token) : null;

export function recoveryDelayMs(): number {
  return Math.round(env().RECOVERY_DELAY_HOURS * 60 * 60 * 1000);
}

/**
 * Mails go out off the response path: only an eligible address gets one, so waiting for it would
 * make the reply slower for exactly the addresses worth finding. Tests wait for them here.
 */
const inFlight = new Set<Promise<void>>();

export async function recoveryMailsSettled(): Promise<void> {
  await Promise.all([...inFlight]);
}

function sendInBackground(work: () => Promise<void>): void {
  const task = work()
    .catch((error: unknown) => console.error('latchkey: recovery mail not sent:', describeFailure(error)))
    .finally(() => inFlight.delete(task));
  inFlight.add(task);
}

/**
 * Ask for a recovery. Every address takes the same path and gets the same answer: both limiters
 * (every request counts: the mail budget), one lookup, one audit row. Only a verified address of
 * an account with two-factor on gets a recovery and its mail; an unverified address proves
 * nothing, and an account without two-factor has the password reset. An account whose role
 * requires two-factor (MFA_REQUIRED_ROLES) cannot recover alone: its mail says an administrator
 * must reset two-factor, and carries no link (the page's answer is the same).
 */
export async function requestAccountRecovery(
  email: string,
  ctx: RequestContext,
): Promise<{ ok: true } | RateLimited> {
  const result = await guarded(
    [
      { name: 'accountRecoveryIp', id: ipBucket(ctx.ip) },
      { name: 'accountRecoveryAddress', id: emailKey(email) },
    ],
    async () => {
      const account = await findCredentialsByEmail(email);
      const address = account?.mfaEnabled ? await findAddressById(account.id) : null;
      if (account && address?.verified && (await twoFactorRequired(account.id))) {
        await recordEvent('account_recovery_requested', ctx, {
          userId: account.id,
          detail: { refused: 'role_requires_mfa' },
        });
        sendInBackground(() => sendRecoveryNeedsAdminMail(address.email, ctx));
      } else if (account && address?.verified) {
        const recovery = await startRecovery(account.id);
        await recordEvent('account_recovery_requested', ctx, { userId: account.id });
        sendInBackground(() => sendRecoveryMail(address.email, recovery, ctx));
      } else {
        // Never the typed address, nor which of the reasons it was: only that a request came.
        await recordEvent('account_recovery_requested', ctx, { userId: null });
      }
      return { ok: true } as const;
    },
    () => true,
  );
  return result.ok ? result : { ok: false, kind: 'rate_limited', retryAt: result.retryAt };
}

export type StartedRecovery = { completeToken: string; cancelToken: string; usableAt: Date };

/**
 * A new recovery with its two links. Pending ones of the account are ended (only the newest
 * mail's links work) but their wait is kept: a stranger asking again cannot push the owner's
 * recovery back. The account row is locked first, so concurrent requests serialise.
 */
async function startRecovery(userId: string): Promise<StartedRecovery> {
  const completeToken = randomToken();
  const cancelToken = randomToken();
  const now = new Date();
  const database = await db();
  const usableAt = await database.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('no key update');
    const ended = await endPending(userId, 'superseded', tx, now);
    const earliest = Math.min(now.getTime() + recoveryDelayMs(), ...ended.map((r) => r.usableAt.getTime()));
    const usable = new Date(earliest);
    await tx.insert(accountRecoveries).values({
      userId,
      completeTokenHash: hashToken(completeToken),
      cancelTokenHash: hashToken(cancelToken),
      createdAt: now,
      usableAt: usable,
      expiresAt: new Date(earliest + RECOVERY_LINK_MS),
    });
    return usable;
  });
  return { completeToken, cancelToken, usableAt };
}

/** End every live recovery of an account; returns what it ended. */
async function endPending(userId: string, reason: RecoveryEnd, executor: Db, now = new Date()) {
  return executor
    .update(accountRecoveries)
    .set({ endedAt: now, endReason: reason })
    .where(
      and(
        eq(accountRecoveries.userId, userId),
        isNull(accountRecoveries.endedAt),
        gt(accountRecoveries.expiresAt, now),
      ),
    )
    .returning({ id: accountRecoveries.id, usableAt: accountRecoveries.usableAt });
}

/**
 * The address the recovery links went to is no longer the account's: like every other link sent
 * there (revokeEmailTokens), they stop working. In the caller's transaction, with the change.
 */
export async function endRecoveriesForOldAddress(userId: string, tx: Db): Promise<void> {
  await endPending(userId, 'address_changed', tx);
}

/**
 * A code that passed proves the owner still has a factor: any recovery pending for the account
 * is cancelled. Every second step (web and API) calls it, and so do step-ups (regenerate,
 * disable, address change, deletion) and password resets that asked for a code.
 */
export async function cancelPendingRecoveries(
  userId: string,
  ctx: RequestContext,
  by: 'sign_in' | 'step_up' | 'password_reset' = 'sign_in',
): Promise<number> {
  const ended = await endPending(userId, by === 'sign_in' ? 'signed_in' : 'factor_used', await db());
  if (ended.length > 0) {
    await recordEvent('account_recovery_cancelled', ctx, { userId, detail: { by } });
  }
  return ended.length;
}

export type RecoveryLink =
  | { state: 'invalid' }
  | { state: 'waiting'; usableAt: Date }
  | { state: 'ready'; email: string };

/** What the completion page shows for a link; spends nothing. */
export async function inspectRecoveryLink(token: unknown): Promise<RecoveryLink> {
  const tokenHash = hashIfWellFormed(token);
  if (!tokenHash) return { state: 'invalid' };
  const now = new Date();
  const [row] = await (await db())
    .select({ userId: accountRecoveries.userId, usableAt: accountRecoveries.usableAt })
    .from(accountRecoveries)
    .where(
      and(
        eq(accountRecoveries.completeTokenHash, tokenHash),
        isNull(accountRecoveries.endedAt),
        gt(accountRecoveries.expiresAt, now),
      ),
    )
    .limit(1);
  if (!row) return { state: 'invalid' };
  if (row.usableAt > now) return { state: 'waiting', usableAt: row.usableAt };
  const address = await findAddressById(row.userId);
  return address ? { state: 'ready', email: address.email } : { state: 'invalid' };
}

export type CompleteRecoveryResult =
  | { ok: true; userId: string; signedOut: number }
  | Refused<'recoveryLinkInvalid'>
  | Refused<'recoveryNotYet'>
  | Refused<'invalidCredentials', 'password'>
  | Refused<'recoveryNeedsAdmin'>
  | Refused<'accountLocked'>
  | RateLimited;

const INVALID_LINK = refused('recoveryLinkInvalid');

/** Thrown inside the transaction when another request spent the link first: rolls it all back. */
class LinkSpent extends Error {}

/**
 * Complete a recovery after its wait: the account's password, checked exactly as sign-in checks
 * it (same limiters, wrong ones counted and audited as failed sign-ins), then in one transaction
 * the link is spent, two-factor is turned off (secret and backup codes deleted) and every session
 * of the account ends. The caller starts the new session.
 */
export async function completeAccountRecovery(
  token: unknown,
  password: string,
  ctx: RequestContext,
): Promise<CompleteRecoveryResult> {
  const link = await inspectRecoveryLink(token);
  if (link.state === 'invalid') return INVALID_LINK;
  if (link.state === 'waiting') return refused('recoveryNotYet');
  const signIn = await passwordSignIn(link.email, password, ctx, null);
  if (!signIn.ok) {
    // A locked account is not recovered (the lock is an administrator's decision), and says so
    // after the right password only, as sign-in does.
    if (signIn.kind === 'rate_limited' || signIn.kind === 'accountLocked') return signIn;
    return refused('invalidCredentials', 'password');
  }
  const { userId } = signIn;
  // The role was granted after the recovery started (requests for such an account start none):
  // the link stays unspent, and works again only if the role goes.
  if (await twoFactorRequired(userId)) return refused('recoveryNeedsAdmin');
  const tokenHash = hashIfWellFormed(token) ?? '';
  let signedOut = 0;
  try {
    await disableMfa(
      userId,
      async (tx) => {
        const now = new Date();
        // The conditional UPDATE decides between concurrent uses, and rechecks the wait.
        const [spent] = await tx
          .update(accountRecoveries)
          .set({ endedAt: now, endReason: 'completed' })
          .where(
            and(
              eq(accountRecoveries.completeTokenHash, tokenHash),
              eq(accountRecoveries.userId, userId),
              isNull(accountRecoveries.endedAt),
              lte(accountRecoveries.usableAt, now),
              gt(accountRecoveries.expiresAt, now),
            ),
          )
          .returning({ id: accountRecoveries.id });
        if (!spent) throw new LinkSpent();
        signedOut = await revokeOtherSessions(userId, undefined, tx);
        await removeAllTrustedDevices(userId, tx, { ctx, reason: 'account_recovered' });
        await recordEvent('mfa_disabled', ctx, { userId, detail: { via: 'account_recovery' }, tx });
        await recordEvent('account_recovery_completed', ctx, { userId, detail: { signedOut }, tx });
      },
      // Again inside the change, the row held: a role granted or a lock committed since the
      // checks above stops it, and the link stays unspent (rolled back with the rest).
      async (tx) => {
        await assertMayTurnOff(userId, tx);
        if (await isAccountLocked(userId, tx)) throw new AccountLockedError();
      },
    );
  } catch (error) {
    if (error instanceof TwoFactorRequiredError) return refused('recoveryNeedsAdmin');
    if (error instanceof AccountLockedError) return refused('accountLocked');
    if (error instanceof LinkSpent) return INVALID_LINK;
    throw error;
  }
  await sendSecurityNotice(userId, { kind: 'account_recovered' }, ctx);
  return { ok: true, userId, signedOut };
}

/**
 * Cancel from the mail (either of its links, so the completion page can offer it during the
 * wait). Cancelling only ever stops a recovery, so any link of a recovery of the account that has
 * not completed or expired ends every pending one of it; a second press finds nothing left to end
 * and answers the same.
 */
export async function cancelAccountRecovery(
  token: unknown,
  ctx: RequestContext,
): Promise<{ ok: true } | Refused<'recoveryLinkInvalid'>> {
  const link = await findCancellable(token);
  if (!link) return INVALID_LINK;
  const ended = await endPending(link.userId, 'cancelled', await db());
  if (ended.length > 0) {
    await recordEvent('account_recovery_cancelled', ctx, { userId: link.userId, detail: { by: 'link' } });
  }
  return { ok: true };
}

/** Whether the cancel page offers its button for this link; spends nothing. */
export async function inspectCancelLink(token: unknown): Promise<boolean> {
  return (await findCancellable(token)) !== null;
}

/** The recovery a link belongs to, unless it completed or its links expired. */
async function findCancellable(token: unknown): Promise<{ userId: string } | null> {
  const tokenHash = hashIfWellFormed(token);
  if (!tokenHash) return null;
  const [row] = await (await db())
    .select({ userId: accountRecoveries.userId, endReason: accountRecoveries.endReason })
    .from(accountRecoveries)
    .where(
      and(
        or(
          eq(accountRecoveries.cancelTokenHash, tokenHash),
          eq(accountRecoveries.completeTokenHash, tokenHash),
        ),
        gt(accountRecoveries.expiresAt, new Date()),
      ),
    )
    .limit(1);
  return row && row.endReason !== 'completed' ? { userId: row.userId } : null;
}
