import 'server-only';
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { type AuditDetail, type AuditType, recordEvent } from '@/lib/audit';
import { revokeOtherSessions } from '@/lib/auth/sessions';
import { stepUp } from '@/lib/auth/step-up';
import { type Db, db } from '@/lib/db/client';
import { totpFactors, trustedDevices, users } from '@/lib/db/schema';
import { sendSecurityNotice } from '@/lib/email/notices';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { disableMfa, isMfaEnabled } from '@/lib/mfa/factors';
import type { ADMIN_OPERATIONS } from '@/lib/validation/admin';
import { isUserId } from './directory';

/**
 * What an administrator can do to someone else's account from /admin. Each one, in this order:
 * the actor's role read from the database (not the page that showed the button, not the cookie),
 * not their own account, their own two-factor on, the target's state, then the actor's step-up
 * (password and a current code, counted like every step-up), and the change with its audit rows
 * in one transaction that checks the role once more. The person's history gets the event with
 * `by` (the administrator's id), so it shows in their own activity; the administrator's history
 * gets the same type with `target` (the account's id), as their own record.
 */
export type AdminActionKind = (typeof ADMIN_OPERATIONS)[number];

export type AdminActionResult =
  | { ok: true; kind: AdminActionKind; email: string; signedOut: number; mailed: boolean }
  | Refused<
      | 'notFound'
      | 'adminSelf'
      | 'adminNeedsTwoFactor'
      | 'adminNoSuchUser'
      | 'adminAlreadyLocked'
      | 'adminNotLocked'
      | 'adminMfaAlreadyOff'
      | 'stepUpFailed'
    >
  | RateLimited;

const EVENT: Record<AdminActionKind, AuditType> = {
  sign_out_everywhere: 'admin_signed_out_everywhere',
  reset_two_factor: 'admin_mfa_reset',
  lock: 'account_locked',
  unlock: 'account_unlocked',
};

/** Thrown inside a transaction to roll it back with a refusal (a race lost since the checks). */
class Abort extends Error {
  constructor(readonly failure: Refused<'notFound' | 'adminAlreadyLocked' | 'adminNotLocked'>) {
    super(failure.kind);
  }
}

type Target = { id: string; email: string; locked: boolean; mfaEnabled: boolean };

async function findTarget(id: string): Promise<Target | null> {
  const database = await db();
  const [row] = await database
    .select({
      id: users.id,
      email: users.email,
      lockedAt: users.lockedAt,
      mfaEnabledAt: totpFactors.enabledAt,
    })
    .from(users)
    .leftJoin(totpFactors, and(eq(totpFactors.userId, users.id), isNotNull(totpFactors.enabledAt)))
    .where(eq(users.id, id))
    .limit(1);
  return row
    ? { id: row.id, email: row.email, locked: row.lockedAt !== null, mfaEnabled: row.mfaEnabledAt !== null }
    : null;
}

/** The role now; inside a change, with the row held until it commits (a revocation waits). */
async function isAdmin(userId: string, tx?: Db): Promise<boolean> {
  const database = tx ?? (await db());
  const query = database.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
  const [row] = tx ? await query.for('share') : await query;
  return row?.role === 'admin';
}

export async function adminAct(
  actorId: string,
  kind: AdminActionKind,
  targetId: unknown,
  password: string,
  code: string,
  ctx: RequestContext,
): Promise<AdminActionResult> {
  // Nothing about the console is said to anyone who is not an administrator now.
  if (!(await isAdmin(actorId))) return refused('notFound');
  if (!isUserId(targetId)) return refused('adminNoSuchUser');
  if (targetId === actorId) return refused('adminSelf');
  if (!(await isMfaEnabled(actorId))) return refused('adminNeedsTwoFactor');
  const target = await findTarget(targetId);
  if (!target) return refused('adminNoSuchUser');
  // Again on the stored id: the database reads ids in any case, so an upper-case copy of the
  // administrator's own id finds their own row while differing from it as text.
  if (target.id === actorId) return refused('adminSelf');
  // Checked before the step-up, so a stale page does not spend the administrator's code.
  if (kind === 'lock' && target.locked) return refused('adminAlreadyLocked');
  if (kind === 'unlock' && !target.locked) return refused('adminNotLocked');
  if (kind === 'reset_two_factor' && !target.mfaEnabled) return refused('adminMfaAlreadyOff');

  const check = await stepUp(actorId, password, code, ctx);
  if (!check.ok) return check.kind === 'rate_limited' ? check : refused('stepUpFailed');

  let signedOut = 0;
  const change = async (tx: Db) => {
    // Once more, inside the change: a role revoked during the step-up stops it here.
    if (!(await isAdmin(actorId, tx))) throw new Abort(refused('notFound'));
    if (kind === 'lock') {
      const [locked] = await tx
        .update(users)
        .set({ lockedAt: sql`now()`, lockedBy: actorId, updatedAt: sql`now()` })
        .where(and(eq(users.id, target.id), isNull(users.lockedAt)))
        .returning({ id: users.id });
      if (!locked) throw new Abort(refused('adminAlreadyLocked'));
    }
    if (kind === 'unlock') {
      const [unlocked] = await tx
        .update(users)
        .set({ lockedAt: null, lockedBy: null, updatedAt: sql`now()` })
        .where(and(eq(users.id, target.id), isNotNull(users.lockedAt)))
        .returning({ id: users.id });
      if (!unlocked) throw new Abort(refused('adminNotLocked'));
    }
    if (kind === 'reset_two_factor') {
      // Trusted devices skip the second step: with the factor gone they must go too.
      await tx.delete(trustedDevices).where(eq(trustedDevices.userId, target.id));
    }
    if (kind !== 'unlock') signedOut = await revokeOtherSessions(target.id, undefined, tx);
    // `signedOut`, not `count`: the activity list reads `count` as repeated refusals.
    const ended: AuditDetail = kind === 'unlock' ? {} : { signedOut };
    await recordEvent(EVENT[kind], ctx, { userId: target.id, detail: { by: actorId, ...ended }, tx });
    await recordEvent(EVENT[kind], ctx, { userId: actorId, detail: { target: target.id, ...ended }, tx });
  };

  try {
    if (kind === 'reset_two_factor') {
      // The secret and every backup code go in the same transaction as the rest.
      await disableMfa(target.id, change);
    } else {
      await (await db()).transaction(change);
    }
  } catch (error) {
    if (error instanceof Abort) return error.failure;
    throw error;
  }
  // The change is done whatever the mail does; the administrator is told whether it went.
  const mailed =
    kind === 'reset_two_factor' && (await sendSecurityNotice(target.id, { kind: 'admin_mfa_reset' }, ctx));
  return { ok: true, kind, email: target.email, signedOut, mailed };
}
