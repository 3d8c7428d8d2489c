import 'server-only';
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { type AuditDetail, type AuditType, recordEvent } from '@/lib/audit';
import { revokeOtherSessions } from '@/lib/auth/sessions';
import { stepUp } from '@/lib/auth/step-up';
import { type RemovalReason, removeAllTrustedDevices } from '@/lib/auth/trusted-devices';
import { type Db, db } from '@/lib/db/client';
import { totpFactors, users } from '@/lib/db/schema';
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
 * in one transaction that first holds both accounts' rows and checks the administrator once more. The person's history gets the event with
 * `by` (the administrator's id), so it shows in their own activity; the administrator's history
 * gets the same type with `target` (the account's id), as their own record.
 */
export type AdminActionKind = (typeof ADMIN_OPERATIONS)[number];

export type AdminActionResult =
  | { ok: true; kind: AdminActionKind; email: string; signedOut: number; mailed: boolean }
  | Refused<
      | 'notFound'
      | 'adminSelf'
      | 'accountLocked'
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

/** Why the person's trusted devices went, in their activity (every action but unlock). */
const TRUST_REMOVAL: Record<Exclude<AdminActionKind, 'unlock'>, RemovalReason> = {
  sign_out_everywhere: 'admin_signed_out_everywhere',
  reset_two_factor: 'admin_mfa_reset',
  lock: 'account_locked',
};

/** Thrown inside a transaction to roll it back with a refusal (a race lost since the checks). */
class Abort extends Error {
  constructor(
    readonly failure: Refused<
      Exclude<
        Extract<AdminActionResult, { ok: false; kind: string }>['kind'],
        'adminSelf' | 'stepUpFailed' | 'rate_limited'
      >
    >,
  ) {
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

/** The role now, to decide before the step-up (the change asks again: `holdBoth`). */
async function isAdmin(userId: string): Promise<boolean> {
  const database = await db();
  const [row] = await database.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.role === 'admin';
}

/**
 * First in every change: both accounts' rows held until it commits, taken in the order of their
 * ids. Two administrators acting on each other at the same instant took them in opposite orders
 * (each its own row, then the other's) and deadlocked on PostgreSQL, one of them with a server
 * error; now the second waits for the first, then reads what it did. Then the administrator
 * once more, as the rows are now: still an administrator (a revocation waits for the change, or
 * the change sees it), and not locked, by a colleague whose change on them committed first
 * (refused as any locked account is), and with their two-factor still on. NO KEY UPDATE: the lock
 * an UPDATE of the row takes.
 */
async function holdBoth(tx: Db, actorId: string, targetId: string): Promise<void> {
  const rows = await tx
    .select({ id: users.id, role: users.role, lockedAt: users.lockedAt })
    .from(users)
    .where(inArray(users.id, [actorId, targetId]))
    .orderBy(asc(users.id))
    .for('no key update');
  const actor = rows.find((r) => r.id === actorId);
  if (actor?.role !== 'admin') throw new Abort(refused('notFound'));
  if (actor.lockedAt) throw new Abort(refused('accountLocked'));
  if (!rows.some((r) => r.id === targetId)) throw new Abort(refused('adminNoSuchUser'));
  // And their own two-factor still on: a colleague's reset of it that committed first stops this.
  if (!(await hasEnabledFactor(tx, actorId))) throw new Abort(refused('adminNeedsTwoFactor'));
}

async function hasEnabledFactor(tx: Db, userId: string): Promise<boolean> {
  const [factor] = await tx
    .select({ userId: totpFactors.userId })
    .from(totpFactors)
    .where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.enabledAt)))
    .limit(1);
  return factor !== undefined;
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
  // Once more, inside the change: a role revoked during the step-up stops it here.
  const hold = async (tx: Db) => {
    await holdBoth(tx, actorId, target.id);
    // A reset of a factor that went meanwhile (the person turned it off, a colleague reset it)
    // is refused as one of a factor already off: nothing is reset, nobody is mailed.
    if (kind === 'reset_two_factor' && !(await hasEnabledFactor(tx, target.id)))
      throw new Abort(refused('adminMfaAlreadyOff'));
  };
  const change = async (tx: Db) => {
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
    if (kind !== 'unlock') {
      // Trusted devices skip the second step: with the factor gone they must go, and signing
      // someone out everywhere (or locking them) must not leave a browser that gets back in with
      // the password alone.
      await removeAllTrustedDevices(target.id, tx, { ctx, reason: TRUST_REMOVAL[kind] });
    }
    if (kind !== 'unlock') signedOut = await revokeOtherSessions(target.id, undefined, tx);
    // `signedOut`, not `count`: the activity list reads `count` as repeated refusals.
    const ended: AuditDetail = kind === 'unlock' ? {} : { signedOut };
    await recordEvent(EVENT[kind], ctx, { userId: target.id, detail: { by: actorId, ...ended }, tx });
    await recordEvent(EVENT[kind], ctx, { userId: actorId, detail: { target: target.id, ...ended }, tx });
  };

  try {
    if (kind === 'reset_two_factor') {
      // The secret and every backup code go in the same transaction as the rest, after the rows.
      await disableMfa(target.id, change, hold);
    } else {
      await (await db()).transaction(async (tx) => {
        await hold(tx);
        await change(tx);
      });
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
