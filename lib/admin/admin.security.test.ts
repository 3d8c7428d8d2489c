import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { adminAction } from '@/app/(app)/admin/actions';
import AdminPage from '@/app/(app)/admin/page';
import AdminUserPage from '@/app/(app)/admin/users/[id]/page';
import { startApiSession } from '@/lib/api/sessions';
import { passwordSignIn } from '@/lib/auth/login';
import { setRole } from '@/lib/auth/roles';
import { startSession } from '@/lib/auth/session-cookie';
import { createSession, listActiveSessions } from '@/lib/auth/sessions';
import { db } from '@/lib/db/client';
import { trustedDevices, users } from '@/lib/db/schema';
import { createUser } from '@/lib/db/users';
import { listOutbox } from '@/lib/email/outbox';
import { messages } from '@/lib/messages';
import { disableMfa, mfaStatus } from '@/lib/mfa/factors';
import { ctx } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import {
  auditRowsOfUser,
  backupCodeRows,
  codeNow,
  enrolledUser,
  factorRow,
  freezeClock,
  wrongCode,
} from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies, formOf } from '@/tests/request-scope';
import { currentAdmin } from './access';
import { adminAct } from './account-actions';
import { escapeLike, searchUsers } from './directory';

vi.mock('next/headers', () => import('@/tests/request-scope'));
// The real step-up, with a moment after it where a test can change the world (a role revoked
// while the administrator typed their code).
const hooks = vi.hoisted(() => ({ afterStepUp: null as null | (() => Promise<void>) }));
vi.mock('@/lib/auth/step-up', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/auth/step-up')>();
  return {
    ...real,
    stepUp: async (...args: Parameters<typeof real.stepUp>) => {
      const result = await real.stepUp(...args);
      await hooks.afterStepUp?.();
      return result;
    },
  };
});
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const outbox = tempOutbox('admin-sec');
setupIntegration();

beforeEach(() => {
  freezeClock();
});
afterEach(() => {
  vi.useRealTimers();
});

const COOKIE = 'latchkey.session';

/** A browser signed in as `userId`: each call to the result starts a new request from it. */
async function browserOf(userId: string, mfaVerified: boolean) {
  beginRequest();
  await startSession(userId, false, ctx(), mfaVerified);
  const cookie = changedCookies().find((c) => c.name === COOKIE)?.value ?? '';
  if (!cookie) throw new Error('no session cookie');
  return () => beginRequest({ [COOKIE]: cookie });
}

/** An administrator with two-factor on (as every acting administrator must be), signed in. */
async function signedInAdmin() {
  const admin = await enrolledUser();
  await setRole(admin.email, 'admin', ctx());
  const request = await browserOf(admin.id, true);
  return { admin, request };
}

/** Someone with two-factor on and sessions in a browser and in an app, and a trusted device. */
async function person() {
  const user = await enrolledUser();
  await createSession(user.id, true, ctx(), true);
  await startApiSession(user.id, ctx(), true);
  await (await db())
    .insert(trustedDevices)
    .values({ id: randomUUID(), userId: user.id, expiresAt: new Date(Date.now() + 86_400_000) });
  return user;
}

async function lockedAt(userId: string) {
  const [row] = await (await db())
    .select({ lockedAt: users.lockedAt, lockedBy: users.lockedBy })
    .from(users)
    .where(eq(users.id, userId));
  return row;
}

async function trustedDeviceCount(userId: string) {
  return (await (await db()).select().from(trustedDevices).where(eq(trustedDevices.userId, userId))).length;
}

function act(operation: string, userId: string, password: string, code: string) {
  return adminAction({ ok: false }, formOf({ operation, userId, password, code }));
}

/** Next's notFound(): the page answers the app's ordinary 404. */
async function isNotFound(run: Promise<unknown>): Promise<boolean> {
  try {
    await run;
    return false;
  } catch (error) {
    return String((error as { digest?: string }).digest ?? '').endsWith(';404');
  }
}

const noParams = () => Promise.resolve({});

describe('only an administrator, as the database says now, sees the console', () => {
  it('pages and the loader: 404 signed out, 404 for an ordinary user, 404 once the role is revoked', async () => {
    const target = await makeUser();
    beginRequest();
    expect(await currentAdmin()).toBeNull();
    expect(await isNotFound(AdminPage({ searchParams: noParams() }))).toBe(true);
    expect(await isNotFound(AdminUserPage({ params: Promise.resolve({ id: target.id }) }))).toBe(true);

    const ordinary = await enrolledUser();
    const asOrdinary = await browserOf(ordinary.id, true);
    asOrdinary();
    expect(await currentAdmin()).toBeNull();
    expect(await isNotFound(AdminPage({ searchParams: noParams() }))).toBe(true);
    expect(await isNotFound(AdminUserPage({ params: Promise.resolve({ id: target.id }) }))).toBe(true);

    const { admin, request } = await signedInAdmin();
    request();
    expect(await currentAdmin()).toMatchObject({ userId: admin.id, email: admin.email });
    expect(await isNotFound(AdminPage({ searchParams: noParams() }))).toBe(false);
    request();
    expect(await isNotFound(AdminUserPage({ params: Promise.resolve({ id: target.id }) }))).toBe(false);
    // A well-formed id of no account, and garbage: 404 as well.
    request();
    expect(await isNotFound(AdminUserPage({ params: Promise.resolve({ id: randomUUID() }) }))).toBe(true);
    request();
    expect(await isNotFound(AdminUserPage({ params: Promise.resolve({ id: "1' or '1'='1" }) }))).toBe(true);

    await setRole(admin.email, 'user', ctx());
    request();
    expect(await currentAdmin()).toBeNull();
    expect(await isNotFound(AdminPage({ searchParams: noParams() }))).toBe(true);
  });

  it('actions: refused to a signed-out caller, to an ordinary user with a right step-up, and to a revoked administrator; nothing changes', async () => {
    const target = await person();
    const sessionsBefore = (await listActiveSessions(target.id)).length;
    const unchanged = async () => {
      expect(await lockedAt(target.id)).toEqual({ lockedAt: null, lockedBy: null });
      expect((await listActiveSessions(target.id)).length).toBe(sessionsBefore);
      expect(await mfaStatus(target.id)).toMatchObject({ enabled: true });
      expect(await trustedDeviceCount(target.id)).toBe(1);
    };

    beginRequest();
    for (const op of ['sign_out_everywhere', 'reset_two_factor', 'lock', 'unlock']) {
      expect(await act(op, target.id, 'whatever password', '123456')).toMatchObject({
        ok: false,
        error: messages.sessionEnded,
      });
    }
    await unchanged();

    const ordinary = await enrolledUser();
    const asOrdinary = await browserOf(ordinary.id, true);
    for (const [i, op] of ['sign_out_everywhere', 'reset_two_factor', 'lock'].entries()) {
      asOrdinary();
      expect(await act(op, target.id, ordinary.password, ordinary.backupCodes[i]!)).toEqual({
        ok: false,
        error: messages.notFound,
      });
    }
    await unchanged();
    // Refused before the step-up: an ordinary user's codes were not even looked at.
    expect(await mfaStatus(ordinary.id)).toMatchObject({ backupCodesLeft: 10 });

    const { admin, request } = await signedInAdmin();
    // The page was loaded as an administrator; the role goes before the button is pressed.
    request();
    expect(await isNotFound(AdminUserPage({ params: Promise.resolve({ id: target.id }) }))).toBe(false);
    await setRole(admin.email, 'user', ctx());
    for (const [i, op] of ['sign_out_everywhere', 'reset_two_factor', 'lock'].entries()) {
      request();
      expect(await act(op, target.id, admin.password, admin.backupCodes[i]!)).toEqual({
        ok: false,
        error: messages.notFound,
      });
    }
    await unchanged();
  });

  it('a reset of a factor that went while the step-up ran resets nothing and mails nobody', async () => {
    const target = await enrolledUser();
    const { admin, request } = await signedInAdmin();
    hooks.afterStepUp = async () => {
      await disableMfa(target.id);
    };
    try {
      request();
      expect(await act('reset_two_factor', target.id, admin.password, admin.backupCodes[0]!)).toEqual({
        ok: false,
        error: messages.adminMfaAlreadyOff,
      });
    } finally {
      hooks.afterStepUp = null;
    }
    expect((await listOutbox(outbox, 1000)).filter((m) => m.to === target.email)).toEqual([]);
  });

  it("the administrator's own two-factor reset by a colleague while the step-up runs stops the change", async () => {
    const target = await person();
    const { admin, request } = await signedInAdmin();
    hooks.afterStepUp = async () => {
      await disableMfa(admin.id);
    };
    try {
      request();
      expect(await act('lock', target.id, admin.password, admin.backupCodes[0]!)).toEqual({
        ok: false,
        error: messages.adminNeedsTwoFactor,
      });
    } finally {
      hooks.afterStepUp = null;
    }
    expect(await lockedAt(target.id)).toEqual({ lockedAt: null, lockedBy: null });
  });

  it('a role revoked while the step-up runs stops the change (the role is checked again inside it)', async () => {
    const target = await person();
    const { admin, request } = await signedInAdmin();
    hooks.afterStepUp = () => setRole(admin.email, 'user', ctx()).then(() => undefined);
    try {
      request();
      expect(await act('lock', target.id, admin.password, admin.backupCodes[0]!)).toEqual({
        ok: false,
        error: messages.notFound,
      });
    } finally {
      hooks.afterStepUp = null;
    }
    expect(await lockedAt(target.id)).toEqual({ lockedAt: null, lockedBy: null });
    expect((await listActiveSessions(target.id)).length).toBe(2);
  });

  it('every action asks the administrator’s own step-up: a wrong password or a wrong code changes nothing', async () => {
    const target = await person();
    const before = (await listActiveSessions(target.id)).length;
    const { admin, request } = await signedInAdmin();
    for (const op of ['sign_out_everywhere', 'reset_two_factor', 'lock']) {
      request();
      expect(await act(op, target.id, 'not the admin password 1', await codeNow(admin.secret))).toEqual({
        ok: false,
        error: messages.stepUpFailed,
      });
      request();
      expect(await act(op, target.id, admin.password, await wrongCode(admin.secret))).toEqual({
        ok: false,
        error: messages.stepUpFailed,
      });
      request();
      expect(await act(op, target.id, admin.password, 'ZZZZZ-ZZZZZ')).toEqual({
        ok: false,
        error: messages.stepUpFailed,
      });
    }
    expect(await lockedAt(target.id)).toEqual({ lockedAt: null, lockedBy: null });
    expect((await listActiveSessions(target.id)).length).toBe(before);
    expect(await mfaStatus(target.id)).toMatchObject({ enabled: true, backupCodesLeft: 10 });
    expect(await trustedDeviceCount(target.id)).toBe(1);
    const types = (await auditRowsOfUser(target.id)).map((r) => r.type);
    expect(types).not.toContain('account_locked');
    expect(types).not.toContain('admin_mfa_reset');
    expect(types).not.toContain('admin_signed_out_everywhere');
  });

  it('an administrator without two-factor cannot act, and says so', async () => {
    const target = await person();
    const admin = await makeUser();
    await setRole(admin.email, 'admin', ctx());
    const request = await browserOf(admin.id, false);
    request();
    expect(await act('lock', target.id, admin.password, '123456')).toEqual({
      ok: false,
      error: messages.adminNeedsTwoFactor,
    });
    expect(await lockedAt(target.id)).toEqual({ lockedAt: null, lockedBy: null });
    // Nor read anyone's data: a password alone would open every account's sessions and activity.
    request();
    const page = await AdminPage({ searchParams: noParams() });
    expect(JSON.stringify(page)).not.toContain(target.email);
    expect(JSON.stringify(page)).not.toContain('admin-users');
    request();
    const userPage = await AdminUserPage({ params: Promise.resolve({ id: target.id }) });
    expect(JSON.stringify(userPage)).not.toContain(target.email);
  });

  it('an administrator cannot lock, reset or sign out their own account from the console (any spelling of the id)', async () => {
    const { admin, request } = await signedInAdmin();
    for (const [i, op] of ['lock', 'reset_two_factor', 'sign_out_everywhere'].entries()) {
      for (const id of [admin.id, admin.id.toUpperCase()]) {
        request();
        expect(await act(op, id, admin.password, admin.backupCodes[i]!)).toEqual({
          ok: false,
          error: messages.adminSelf,
        });
      }
    }
    expect(await lockedAt(admin.id)).toEqual({ lockedAt: null, lockedBy: null });
    expect(await mfaStatus(admin.id)).toMatchObject({ enabled: true, backupCodesLeft: 10 });
    request();
    expect(await currentAdmin()).not.toBeNull();
  });
});

describe('what each action does', () => {
  it('lock: ends every session (web and API) in the same change, refuses sign-in after the password; unlock lets it in', async () => {
    const target = await person();
    const { admin, request } = await signedInAdmin();
    request();
    const locked = await act('lock', target.id, admin.password, admin.backupCodes[0]!);
    expect(locked.ok).toBe(true);
    // Unlocking later must not hand a trusted browser back its skip of the second step.
    expect(await trustedDeviceCount(target.id)).toBe(0);
    expect(locked).toMatchObject({ done: expect.stringContaining(`${target.email} is locked`) });
    expect(await listActiveSessions(target.id)).toEqual([]);
    expect(await lockedAt(target.id)).toMatchObject({ lockedAt: expect.any(Date), lockedBy: admin.id });
    expect(await passwordSignIn(target.email, target.password, ctx())).toEqual({
      ok: false,
      kind: 'accountLocked',
    });
    expect(await passwordSignIn(target.email, 'wrong password for them 7', ctx())).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
    // Audited in the person's history with the administrator's id, and in the administrator's.
    expect((await auditRowsOfUser(target.id)).find((r) => r.type === 'account_locked')?.detail).toEqual({
      by: admin.id,
      signedOut: 2,
    });
    expect((await auditRowsOfUser(admin.id)).find((r) => r.type === 'account_locked')?.detail).toEqual({
      target: target.id,
      signedOut: 2,
    });

    request();
    expect(await act('lock', target.id, admin.password, admin.backupCodes[1]!)).toEqual({
      ok: false,
      error: messages.adminAlreadyLocked,
    });
    request();
    expect(await act('unlock', target.id, admin.password, admin.backupCodes[1]!)).toMatchObject({ ok: true });
    expect(await lockedAt(target.id)).toEqual({ lockedAt: null, lockedBy: null });
    expect(await passwordSignIn(target.email, target.password, ctx())).toMatchObject({ ok: true });
    expect((await auditRowsOfUser(target.id)).find((r) => r.type === 'account_unlocked')?.detail).toEqual({
      by: admin.id,
    });
  });

  it('reset two-factor: factor, backup codes, trusted devices and sessions go; audited with by; the person is mailed and signs in with one step', async () => {
    const target = await person();
    const { admin, request } = await signedInAdmin();
    request();
    const reset = await act('reset_two_factor', target.id, admin.password, await codeNow(admin.secret));
    expect(reset).toMatchObject({
      ok: true,
      done: expect.stringContaining('Two-factor authentication was reset'),
    });
    expect(reset.done).toContain('They were emailed.');
    expect(await factorRow(target.id)).toBeUndefined();
    expect(await backupCodeRows(target.id)).toEqual([]);
    expect(await trustedDeviceCount(target.id)).toBe(0);
    expect(await listActiveSessions(target.id)).toEqual([]);
    expect((await auditRowsOfUser(target.id)).find((r) => r.type === 'admin_mfa_reset')?.detail).toEqual({
      by: admin.id,
      signedOut: 2,
    });
    expect((await auditRowsOfUser(admin.id)).find((r) => r.type === 'admin_mfa_reset')?.detail).toEqual({
      target: target.id,
      signedOut: 2,
    });
    const mail = (await listOutbox(outbox, 1000)).filter((m) => m.to === target.email);
    expect(mail.map((m) => m.subject)).toEqual([
      'An administrator reset two-factor authentication for your Latchkey account',
    ]);
    expect(mail[0]?.text).toContain('Sign in with your password and set it up again');
    expect(mail[0]?.text).toContain('Contact your administrator');
    // The administrator's own address is not the person's business.
    expect(mail[0]?.text).not.toContain('IP address');
    expect(await passwordSignIn(target.email, target.password, ctx())).toEqual({
      ok: true,
      userId: target.id,
      mfaRequired: false,
    });
    request();
    expect(await act('reset_two_factor', target.id, admin.password, admin.backupCodes[0]!)).toEqual({
      ok: false,
      error: messages.adminMfaAlreadyOff,
    });
  });

  it('sign out everywhere: every session of the person ends, web and API, audited with by', async () => {
    const target = await person();
    const { admin, request } = await signedInAdmin();
    request();
    expect(await act('sign_out_everywhere', target.id, admin.password, admin.backupCodes[3]!)).toMatchObject({
      ok: true,
      done: `${target.email} was signed out everywhere: 2 sessions (web and API) ended.`,
    });
    expect(await listActiveSessions(target.id)).toEqual([]);
    // A trusted browser would get back in with the password alone: it goes too.
    expect(await trustedDeviceCount(target.id)).toBe(0);
    expect(
      (await auditRowsOfUser(target.id)).find((r) => r.type === 'admin_signed_out_everywhere')?.detail,
    ).toEqual({ by: admin.id, signedOut: 2 });
    // Nothing else changed.
    expect(await mfaStatus(target.id)).toMatchObject({ enabled: true });
    expect(await lockedAt(target.id)).toEqual({ lockedAt: null, lockedBy: null });
  });
});

describe('two administrators acting on each other at the same instant', () => {
  /** Resolves for everyone once `count` have arrived: both changes start together. */
  function barrier(count: number) {
    let arrived = 0;
    let open = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    return async () => {
      arrived += 1;
      if (arrived >= count) open();
      await opened;
    };
  }

  it('locking each other: one lock goes through, the other administrator is then locked and refused as such; never a server error', async () => {
    // Each round starts both changes after both step-ups, together: taken in different orders,
    // their row locks deadlocked on PostgreSQL, and one administrator got a server error.
    for (let round = 0; round < 6; round++) {
      const { admin: a } = await signedInAdmin();
      const { admin: b } = await signedInAdmin();
      hooks.afterStepUp = barrier(2);
      try {
        const results = await Promise.all([
          adminAct(a.id, 'lock', b.id, a.password, a.backupCodes[0]!, ctx()),
          adminAct(b.id, 'lock', a.id, b.password, b.backupCodes[0]!, ctx()),
        ]);
        const done = results.filter((r) => r.ok);
        const refusedOnes = results.filter((r) => !r.ok);
        expect(done).toHaveLength(1);
        expect(refusedOnes).toEqual([{ ok: false, kind: 'accountLocked' }]);
        // Exactly one of them is locked, by the other.
        const [lockA, lockB] = [await lockedAt(a.id), await lockedAt(b.id)];
        expect([lockA?.lockedBy, lockB?.lockedBy].filter(Boolean)).toHaveLength(1);
        if (lockA?.lockedBy) expect(lockA.lockedBy).toBe(b.id);
        if (lockB?.lockedBy) expect(lockB.lockedBy).toBe(a.id);
      } finally {
        hooks.afterStepUp = null;
      }
    }
  }, 60_000);

  it('a lock against the other’s reset of two-factor or signing out everywhere: each completes, or is refused by what the other did', async () => {
    for (const other of ['reset_two_factor', 'sign_out_everywhere', 'reset_two_factor'] as const) {
      const { admin: a } = await signedInAdmin();
      const { admin: b } = await signedInAdmin();
      hooks.afterStepUp = barrier(2);
      try {
        const [lock, theirs] = await Promise.all([
          adminAct(a.id, 'lock', b.id, a.password, a.backupCodes[0]!, ctx()),
          adminAct(b.id, other, a.id, b.password, b.backupCodes[0]!, ctx()),
        ]);
        if (other === 'reset_two_factor') {
          // One goes first and the other is refused by what it did: the lock (B is locked), or
          // the reset (A no longer has the two-factor an administrator needs to act).
          expect([lock.ok, theirs.ok].filter(Boolean)).toHaveLength(1);
          if (lock.ok) expect(theirs).toEqual({ ok: false, kind: 'accountLocked' });
          else expect(lock).toEqual({ ok: false, kind: 'adminNeedsTwoFactor' });
        } else {
          expect(lock).toMatchObject({ ok: true });
          // Refused only because the lock on its administrator committed first.
          if (!theirs.ok) expect(theirs).toEqual({ ok: false, kind: 'accountLocked' });
        }
        if (lock.ok) expect(await lockedAt(b.id)).toMatchObject({ lockedBy: a.id });
      } finally {
        hooks.afterStepUp = null;
      }
    }
  }, 60_000);
});

describe('searching accounts', () => {
  it('matches a substring of the address in any case; % and _ (and \\) match only themselves', async () => {
    const tag = `s${randomUUID().slice(0, 8)}`;
    const make = (local: string) => createUser(`${tag}${local}@example.com`, 'x', ctx());
    await make('a%b');
    await make('axxb');
    await make('c_d');
    await make('cxd');
    await make('e\\f');
    await make('exf');
    const emails = async (q: string) => (await searchUsers(q)).rows.map((r) => r.email);
    expect(await emails(`${tag}a%b`)).toEqual([`${tag}a%b@example.com`]);
    expect(await emails(`${tag}c_d`)).toEqual([`${tag}c_d@example.com`]);
    expect(await emails(`${tag}e\\f`)).toEqual([`${tag}e\\f@example.com`]);
    expect(await emails(tag.toUpperCase())).toHaveLength(6);
    expect((await searchUsers(tag)).total).toBe(6);
    expect(await emails(`${tag}%`)).toEqual([]);
    expect(escapeLike('100%_\\')).toBe('100\\%\\_\\\\');
  });

  it('never hands out a password hash or a secret', async () => {
    const user = await enrolledUser();
    const found = await searchUsers(user.email);
    expect(found.rows).toHaveLength(1);
    expect(Object.keys(found.rows[0]!).sort()).toEqual(
      ['email', 'emailVerified', 'id', 'lastSignInAt', 'locked', 'mfaEnabled', 'role'].sort(),
    );
  });
});
