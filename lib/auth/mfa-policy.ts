import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { type Db, db } from '@/lib/db/client';
import { type Role, users } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { rolesHeld } from './roles';

/**
 * Two-factor required by role (MFA_REQUIRED_ROLES), with a grace period (MFA_GRACE_DAYS) that
 * starts when the policy first applies to the account: when a required role is granted
 * (lib/auth/roles.ts), or, for an account that already held one (the setting changed, an account
 * from before roles), at its first signed-in request. During the grace period a banner says by
 * when; after it the account reaches only the set-up until two-factor is on (the DAL, the action
 * wrapper and the API wrapper each ask `policyFor`).
 */
export type MfaPolicy = { kind: 'none' } | { kind: 'grace'; until: Date } | { kind: 'enforced' };

export type PolicySettings = { requiredRoles: readonly Role[]; graceDays: number };

const DAY_MS = 24 * 60 * 60 * 1000;

export function policySettings(): PolicySettings {
  const { MFA_REQUIRED_ROLES, MFA_GRACE_DAYS } = env();
  return { requiredRoles: MFA_REQUIRED_ROLES, graceDays: MFA_GRACE_DAYS };
}

/** Whether the policy asks two-factor of an account holding these roles, on or off. */
export function policyApplies(rolesHeld: readonly Role[], settings: PolicySettings): boolean {
  return rolesHeld.some((role) => settings.requiredRoles.includes(role));
}

/** When the grace period that started at `since` ends (the first moment it is enforced). */
export function graceEnds(since: Date, settings: PolicySettings): Date {
  return new Date(since.getTime() + Math.round(settings.graceDays * DAY_MS));
}

/**
 * The decision, pure: nothing to do (no required role, or two-factor on), the grace period and
 * its end, or enforced. `policySince` null means the policy applies from now (the caller records
 * it: `policyClock`).
 */
export function policyFor(
  account: { rolesHeld: readonly Role[]; mfaEnabled: boolean; policySince: Date | null },
  now: Date,
  settings: PolicySettings,
): MfaPolicy {
  if (account.mfaEnabled || !policyApplies(account.rolesHeld, settings)) return { kind: 'none' };
  const until = graceEnds(account.policySince ?? now, settings);
  return now.getTime() < until.getTime() ? { kind: 'grace', until } : { kind: 'enforced' };
}

/**
 * When the policy started for this account: `since` as read, or, the first time it is found to
 * apply, now, written once (a conditional UPDATE: of two requests racing, the first one's time
 * stands, and the loser reads it back). Whether two-factor is on does not matter: an account
 * that turns it off later (an administrator's reset) has had its grace period already.
 */
export async function policyClock(
  account: { userId: string; rolesHeld: readonly Role[]; policySince: Date | null },
  now: Date,
  settings: PolicySettings,
): Promise<Date | null> {
  if (account.policySince || !policyApplies(account.rolesHeld, settings)) return account.policySince;
  const database = await db();
  const [set] = await database
    .update(users)
    .set({ mfaPolicySince: sql`${now.toISOString()}::timestamptz` })
    .where(and(eq(users.id, account.userId), isNull(users.mfaPolicySince)))
    .returning({ since: users.mfaPolicySince });
  if (set?.since) return set.since;
  const [row] = await database
    .select({ since: users.mfaPolicySince })
    .from(users)
    .where(eq(users.id, account.userId))
    .limit(1);
  return row?.since ?? now;
}

/** The decision for a signed-in account, its clock started if it had not been. */
export async function mfaPolicyOf(
  account: { userId: string; rolesHeld: readonly Role[]; mfaEnabled: boolean; policySince: Date | null },
  now = new Date(),
  settings = policySettings(),
): Promise<MfaPolicy> {
  const policySince = await policyClock(account, now, settings);
  return policyFor({ ...account, policySince }, now, settings);
}

/**
 * What a role change does to the clock, in the change's transaction: a grant that makes the policy
 * apply starts a new grace period now; a change after which it still applies keeps the running
 * one (revoking `admin` under MFA_REQUIRED_ROLES=user buys no time); a change after which it no
 * longer applies clears it, so a later grant starts afresh.
 */
export function policySinceAfterRoleChange(
  before: { rolesHeld: readonly Role[]; policySince: Date | null },
  afterRoles: readonly Role[],
  now: Date,
  settings = policySettings(),
): Date | null {
  if (!policyApplies(afterRoles, settings)) return null;
  if (policyApplies(before.rolesHeld, settings) && before.policySince) return before.policySince;
  return now;
}

/**
 * Whether the policy asks two-factor of this account now: it may not be turned off alone. A read
 * to decide early (before a step-up is spent, or to show the page); the change itself asks
 * `twoFactorRequiredHeld` in its own transaction.
 */
export async function twoFactorRequired(userId: string): Promise<boolean> {
  const database = await db();
  const [row] = await database.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
  if (!row) return false;
  return policyApplies(rolesHeld(row.role), policySettings());
}

/**
 * The same question inside the transaction that turns two-factor off, first in it, the account's
 * row held until it commits: a role change (setRole holds the same row) either committed before,
 * and is read here, or waits for the change and then grants a role to an account without
 * two-factor, which the policy's grace period covers. A plain read would let a grant committed
 * between it and the deletes leave an administrator without two-factor. NO KEY UPDATE: the lock
 * an UPDATE of the row takes: audit rows that reference it do not wait; a session being created
 * (which holds the row the same way) waits a moment, in the same order, so no deadlock.
 */
export async function twoFactorRequiredHeld(userId: string, tx: Db): Promise<boolean> {
  const [row] = await tx
    .select({ role: users.role })
    .from(users)
    .where(eq(users.id, userId))
    .for('no key update')
    .limit(1);
  if (!row) return false;
  return policyApplies(rolesHeld(row.role), policySettings());
}

/** Thrown inside the transaction that turns two-factor off, to roll it back: the role requires it. */
export class TwoFactorRequiredError extends Error {
  constructor() {
    super('two-factor required by role');
    this.name = 'TwoFactorRequiredError';
  }
}

/** First in the change's transaction (disableMfa's `first`): holds the row, throws if it may not. */
export async function assertMayTurnOff(userId: string, tx: Db): Promise<void> {
  if (await twoFactorRequiredHeld(userId, tx)) throw new TwoFactorRequiredError();
}
