import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { ROLE_NAMES } from '@/lib/env';
import { ctx } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import {
  graceEnds,
  mfaPolicyOf,
  type PolicySettings,
  policyFor,
  policySettings,
  policySinceAfterRoleChange,
  twoFactorRequired,
} from './mfa-policy';
import { ROLES, rolesHeld, setRole } from './roles';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-12-01T12:00:00.000Z');
const ADMINS: PolicySettings = { requiredRoles: ['admin'], graceDays: 7 };
const EVERYONE: PolicySettings = { requiredRoles: ['user'], graceDays: 7 };
const NOBODY: PolicySettings = { requiredRoles: [], graceDays: 7 };

const admin = { rolesHeld: rolesHeld('admin'), mfaEnabled: false };
const user = { rolesHeld: rolesHeld('user'), mfaEnabled: false };

describe('policyFor (pure)', () => {
  it('an admin without two-factor: grace until since + MFA_GRACE_DAYS, enforced from that moment', () => {
    const since = new Date(NOW.getTime() - 3 * DAY);
    expect(policyFor({ ...admin, policySince: since }, NOW, ADMINS)).toEqual({
      kind: 'grace',
      until: new Date(since.getTime() + 7 * DAY),
    });
    const end = graceEnds(since, ADMINS);
    expect(policyFor({ ...admin, policySince: since }, new Date(end.getTime() - 1), ADMINS).kind).toBe(
      'grace',
    );
    expect(policyFor({ ...admin, policySince: since }, end, ADMINS)).toEqual({ kind: 'enforced' });
    expect(policyFor({ ...admin, policySince: since }, new Date(end.getTime() + DAY), ADMINS).kind).toBe(
      'enforced',
    );
  });

  it('the policy applying for the first time (no clock yet): a full grace period from now', () => {
    expect(policyFor({ ...admin, policySince: null }, NOW, ADMINS)).toEqual({
      kind: 'grace',
      until: new Date(NOW.getTime() + 7 * DAY),
    });
  });

  it('two-factor on: nothing to do, whatever the clock says', () => {
    const longAgo = new Date(NOW.getTime() - 365 * DAY);
    expect(policyFor({ ...admin, mfaEnabled: true, policySince: longAgo }, NOW, ADMINS)).toEqual({
      kind: 'none',
    });
  });

  it('a role the policy does not name: nothing, even with an old clock', () => {
    const longAgo = new Date(NOW.getTime() - 365 * DAY);
    expect(policyFor({ ...user, policySince: longAgo }, NOW, ADMINS)).toEqual({ kind: 'none' });
  });

  it('MFA_REQUIRED_ROLES=user applies to everyone (an admin is a user too)', () => {
    expect(policyFor({ ...user, policySince: null }, NOW, EVERYONE).kind).toBe('grace');
    expect(policyFor({ ...admin, policySince: null }, NOW, EVERYONE).kind).toBe('grace');
  });

  it('an empty MFA_REQUIRED_ROLES applies to nobody', () => {
    const longAgo = new Date(NOW.getTime() - 365 * DAY);
    expect(policyFor({ ...admin, policySince: longAgo }, NOW, NOBODY)).toEqual({ kind: 'none' });
  });

  it('MFA_GRACE_DAYS=0 enforces at once; fractions count (0.0004 days is about 35 s)', () => {
    const zero = { ...ADMINS, graceDays: 0 };
    expect(policyFor({ ...admin, policySince: null }, NOW, zero)).toEqual({ kind: 'enforced' });
    const short = { ...ADMINS, graceDays: 0.0004 };
    expect(graceEnds(NOW, short).getTime() - NOW.getTime()).toBe(34_560);
  });

  it('role changes move the clock: grant starts it, a change that keeps the policy keeps it, a revoke clears it', () => {
    const since = new Date(NOW.getTime() - 2 * DAY);
    // Granted admin under the default policy: a fresh grace period.
    expect(
      policySinceAfterRoleChange({ rolesHeld: ['user'], policySince: null }, ['user', 'admin'], NOW, ADMINS),
    ).toEqual(NOW);
    // Revoked: the policy no longer applies; a later grant starts afresh.
    expect(
      policySinceAfterRoleChange({ rolesHeld: ['user', 'admin'], policySince: since }, ['user'], NOW, ADMINS),
    ).toBeNull();
    // Under MFA_REQUIRED_ROLES=user, granting or revoking admin buys no time.
    expect(
      policySinceAfterRoleChange(
        { rolesHeld: ['user'], policySince: since },
        ['user', 'admin'],
        NOW,
        EVERYONE,
      ),
    ).toEqual(since);
    expect(
      policySinceAfterRoleChange(
        { rolesHeld: ['user', 'admin'], policySince: since },
        ['user'],
        NOW,
        EVERYONE,
      ),
    ).toEqual(since);
    // No policy at all: no clock.
    expect(
      policySinceAfterRoleChange({ rolesHeld: ['user'], policySince: null }, ['user', 'admin'], NOW, NOBODY),
    ).toBeNull();
  });

  it('the roles the setting accepts are the roles there are', () => {
    expect([...ROLE_NAMES]).toEqual([...ROLES]);
  });
});

describe('the policy clock in the database', () => {
  setupIntegration();
  afterEach(() => {
    vi.useRealTimers();
  });

  async function sinceOf(userId: string): Promise<Date | null> {
    const [row] = await (await db())
      .select({ since: users.mfaPolicySince })
      .from(users)
      .where(eq(users.id, userId));
    return row?.since ?? null;
  }
  const asAccount = (userId: string, role: 'user' | 'admin', since: Date | null, mfaEnabled = false) => ({
    userId,
    rolesHeld: rolesHeld(role),
    mfaEnabled,
    policySince: since,
  });

  it('the default settings: admins, 7 days', () => {
    expect(policySettings()).toEqual({ requiredRoles: ['admin'], graceDays: 7 });
  });

  it('granting admin starts the grace period at the grant; revoking clears it; granting again starts afresh', async () => {
    const person = await makeUser();
    expect(await sinceOf(person.id)).toBeNull();
    const before = Date.now();
    expect(await setRole(person.email, 'admin', ctx())).toMatchObject({ ok: true, changed: true });
    const granted = await sinceOf(person.id);
    expect(granted?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(granted?.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await twoFactorRequired(person.id)).toBe(true);

    // Granting what it already has changes nothing, the clock included.
    expect(await setRole(person.email, 'admin', ctx())).toMatchObject({ changed: false });
    expect(await sinceOf(person.id)).toEqual(granted);

    expect(await setRole(person.email, 'user', ctx())).toMatchObject({ changed: true });
    expect(await sinceOf(person.id)).toBeNull();
    expect(await twoFactorRequired(person.id)).toBe(false);

    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 3 * DAY);
    await setRole(person.email, 'admin', ctx());
    const regranted = await sinceOf(person.id);
    expect(regranted?.getTime()).toBeGreaterThan((granted?.getTime() ?? 0) + 2 * DAY);
  });

  it('an account that held a required role before the policy (no clock): its first check sets the clock, once', async () => {
    const person = await makeUser();
    // An admin made before the policy existed: the role without a clock.
    await (await db()).update(users).set({ role: 'admin' }).where(eq(users.id, person.id));
    const first = new Date('2026-12-01T10:00:00.000Z');
    const policy = await mfaPolicyOf(asAccount(person.id, 'admin', null), first);
    expect(policy).toEqual({ kind: 'grace', until: new Date(first.getTime() + 7 * DAY) });
    expect(await sinceOf(person.id)).toEqual(first);

    // A second check that still holds the stale null (a request that read the account before the
    // first wrote) keeps the first time: the clock is set once.
    const later = new Date(first.getTime() + DAY);
    const again = await mfaPolicyOf(asAccount(person.id, 'admin', null), later);
    expect(again).toEqual({ kind: 'grace', until: new Date(first.getTime() + 7 * DAY) });
    expect(await sinceOf(person.id)).toEqual(first);

    // After the grace period: enforced.
    expect(
      await mfaPolicyOf(asAccount(person.id, 'admin', first), new Date(first.getTime() + 7 * DAY)),
    ).toEqual({
      kind: 'enforced',
    });
  });

  it('an account the policy does not name gets no clock', async () => {
    const person = await makeUser();
    expect(await mfaPolicyOf(asAccount(person.id, 'user', null))).toEqual({ kind: 'none' });
    expect(await sinceOf(person.id)).toBeNull();
  });

  it('two-factor on: none, but the clock starts all the same (a later reset has no new grace period)', async () => {
    const person = await makeUser();
    await (await db()).update(users).set({ role: 'admin' }).where(eq(users.id, person.id));
    expect(await mfaPolicyOf(asAccount(person.id, 'admin', null, true), NOW)).toEqual({ kind: 'none' });
    expect(await sinceOf(person.id)).toEqual(NOW);
  });
});
