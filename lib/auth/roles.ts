import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { type Role, users } from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';
import { policySinceAfterRoleChange } from './mfa-policy';

export type { Role };
export const ROLES: readonly Role[] = ['user', 'admin'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * The roles an account holds, as programs see them (`GET /api/v1/me`) and as MFA_REQUIRED_ROLES
 * names them: everyone is a `user`; an administrator is a `user` and an `admin`.
 */
export function rolesHeld(role: Role): Role[] {
  return role === 'admin' ? ['user', 'admin'] : ['user'];
}

/** The account's role; null when there is no such account. */
export async function roleOf(userId: string): Promise<Role | null> {
  const database = await db();
  const [row] = await database.select({ role: users.role }).from(users).where(eq(users.id, userId)).limit(1);
  return row ? row.role : null;
}

export type SetRoleResult =
  | { ok: true; userId: string; changed: boolean }
  | { ok: false; kind: 'noSuchAccount' };

/**
 * Give the account at `email` this role (`admin` to grant, `user` to revoke). A change moves the
 * two-factor policy's clock (users.mfa_policy_since, lib/auth/mfa-policy.ts): a grant the policy
 * requires two-factor for starts the grace period now, a revoke after which the policy no longer
 * applies clears it. Audited in the same transaction; `by` is the administrator who did it,
 * absent from the command line (whose events say `via: 'cli'`).
 */
export async function setRole(
  email: string,
  role: Role,
  ctx: RequestContext,
  by?: string,
): Promise<SetRoleResult> {
  const database = await db();
  return database.transaction(async (tx) => {
    const [current] = await tx
      .select({ id: users.id, role: users.role, policySince: users.mfaPolicySince })
      .from(users)
      .where(eq(users.email, email))
      // The row a change that turns two-factor off holds while it reads the role
      // (mfa-policy.ts assertMayTurnOff): one of the two waits for the other's commit.
      .for('no key update')
      .limit(1);
    if (!current) return { ok: false, kind: 'noSuchAccount' } as const;
    if (current.role === role) return { ok: true, userId: current.id, changed: false } as const;
    const since = policySinceAfterRoleChange(
      { rolesHeld: rolesHeld(current.role), policySince: current.policySince },
      rolesHeld(role),
      new Date(),
    );
    await tx
      .update(users)
      .set({
        role,
        // As ISO text: postgres.js refuses Date parameters in raw SQL.
        mfaPolicySince: since ? sql`${since.toISOString()}::timestamptz` : null,
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, current.id));
    await recordEvent(role === 'admin' ? 'role_granted' : 'role_revoked', ctx, {
      userId: current.id,
      detail: by ? { role: 'admin', by } : { role: 'admin', via: 'cli' },
      tx,
    });
    return { ok: true, userId: current.id, changed: true } as const;
  });
}
