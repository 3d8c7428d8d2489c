import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as loginRoute from '@/app/api/v1/auth/login/route';
import * as verifyRoute from '@/app/api/v1/auth/mfa/verify/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as disableRoute from '@/app/api/v1/mfa/disable/route';
import * as enableRoute from '@/app/api/v1/mfa/enable/route';
import * as setupRoute from '@/app/api/v1/mfa/setup/route';
import * as sessionsRoute from '@/app/api/v1/sessions/route';
import { operations } from '@/lib/api/operations';
import { db } from '@/lib/db/client';
import { accountRecoveries, users } from '@/lib/db/schema';
import { listOutbox } from '@/lib/email/outbox';
import { messages } from '@/lib/messages';
import { disableMfa, isMfaEnabled } from '@/lib/mfa/factors';
import { call } from '@/tests/api';
import { ctx, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { advanceSteps, codeNow, enrolledUser, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies, formOf, redirectedTo } from '@/tests/request-scope';
import {
  completeAccountRecovery,
  recoveryDelayMs,
  recoveryMailsSettled,
  requestAccountRecovery,
} from './account-recovery';
import { getSession, requireSession } from './dal';
import { issueEmailToken } from './email-tokens';
import { passwordSignIn } from './login';
import { resetPassword } from './password-reset';
import { setRole } from './roles';
import { startSession } from './session-cookie';
import { disableTwoFactor } from './two-factor';
import { undoChange } from './undo';

vi.mock('next/headers', () => import('@/tests/request-scope'));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));
// The real flows, with moments where a test can change the world: after the password (and code)
// were checked, and inside a role grant's transaction, with the account's row held.
const hooks = vi.hoisted(() => ({
  afterCredentials: null as null | (() => Promise<void>),
  inGrant: null as null | (() => Promise<void>),
}));
vi.mock('@/lib/auth/step-up', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/auth/step-up')>();
  return {
    ...real,
    stepUp: async (...args: Parameters<typeof real.stepUp>) => {
      const result = await real.stepUp(...args);
      await hooks.afterCredentials?.();
      return result;
    },
  };
});
vi.mock('@/lib/auth/login', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/auth/login')>();
  return {
    ...real,
    passwordSignIn: async (...args: Parameters<typeof real.passwordSignIn>) => {
      const result = await real.passwordSignIn(...args);
      await hooks.afterCredentials?.();
      return result;
    },
  };
});
vi.mock('@/lib/audit', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/audit')>();
  return {
    ...real,
    recordEvent: async (...args: Parameters<typeof real.recordEvent>) => {
      if (args[0] === 'role_granted') await hooks.inGrant?.();
      return real.recordEvent(...args);
    },
  };
});

const outbox = tempOutbox('mfa-policy');
setupIntegration();
beforeEach(() => {
  freezeClock();
});
afterEach(() => {
  vi.useRealTimers();
  hooks.afterCredentials = null;
  hooks.inGrant = null;
});

const DAY = 24 * 60 * 60 * 1000;
const ROOT = join(__dirname, '..', '..');
const COOKIE = 'latchkey.session';

/** An administrator (granted the way the CLI grants), whose grace period ended a day ago, or runs. */
async function adminWithoutTwoFactor(state: 'enforced' | 'grace') {
  const user = await makeUser();
  await setRole(user.email, 'admin', ctx());
  const since = new Date(Date.now() - (state === 'enforced' ? 8 : 1) * DAY);
  await (await db()).update(users).set({ mfaPolicySince: since }).where(eq(users.id, user.id));
  return user;
}

/** A browser signed in as this account ("Remember me": 30 days, past any grace period): its cookie. */
async function browserOf(userId: string): Promise<string> {
  beginRequest();
  await startSession(userId, true, ctx());
  const cookie = changedCookies().find((c) => c.name === COOKIE)?.value;
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

/** Every module of server actions under app/ ('use server' at the top), as paths from the root. */
function actionModules(dir = join(ROOT, 'app')): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...actionModules(path));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
      if (/^\s*['"]use server['"]/.test(readFileSync(path, 'utf8'))) found.push(relative(ROOT, path));
    }
  }
  return found.sort();
}

/** Every route handler of /api/v1, as paths from the root. */
function apiRouteModules(dir = join(ROOT, 'app', 'api', 'v1')): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...apiRouteModules(path));
    else if (entry.name === 'route.ts') found.push(relative(ROOT, path));
  }
  return found.sort();
}

/**
 * Actions for people who are not signed in (they take no session, so the policy has nothing to
 * hold): any other module of actions is checked below, a new one included.
 */
const PUBLIC_ACTION_MODULES = new Set([
  'app/(auth)/account-recovery/actions.ts',
  'app/(auth)/forgot-password/actions.ts',
  'app/(auth)/login/actions.ts',
  'app/(auth)/login/verify/actions.ts',
  'app/(auth)/register/actions.ts',
  'app/account-recovery/actions.ts',
  'app/bench/sign-in/actions.ts',
  'app/reset-password/[token]/actions.ts',
  'app/undo/[token]/actions.ts',
  'app/verify-email/[token]/actions.ts',
]);
/** What an account the policy holds may still do: the set-up's two steps, and signing out. */
const OPEN_DURING_ENROLLMENT = new Set(['startSetupAction', 'enableAction', 'signOutAction']);

type Action = (prev: unknown, form: FormData) => Promise<{ ok: boolean; error?: string }>;

async function signedInActions(): Promise<[string, Action][]> {
  const modules = actionModules();
  // The walk found the modules it should: a broken walk must not pass by finding nothing.
  expect(modules).toContain('app/(app)/settings/security/actions.ts');
  expect(modules).toContain('app/(app)/actions.ts');
  const actions: [string, Action][] = [];
  for (const path of modules.filter((m) => !PUBLIC_ACTION_MODULES.has(m))) {
    const mod = (await import(/* @vite-ignore */ join(ROOT, path))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === 'function') actions.push([`${path}#${name}`, value as Action]);
    }
  }
  return actions;
}

describe('past the grace period, the web reaches only the set-up', () => {
  it('every page but the set-up sends the account to /settings/security; the DTO says enforced', async () => {
    const admin = await adminWithoutTwoFactor('enforced');
    beginRequest({ [COOKIE]: await browserOf(admin.id) });
    expect((await getSession())?.mfaPolicy).toEqual({ kind: 'enforced' });
    expect(await redirectedTo(requireSession('/dashboard'))).toBe('/settings/security');
    // The admin console checks its visitors with currentAdmin (the role, read fresh): the same.
    const { currentAdmin } = await import('@/lib/admin/access');
    expect(await redirectedTo(currentAdmin())).toBe('/settings/security');
    // The data export is a route handler of the settings page, not the set-up: sent away too.
    const exportRoute = await import('@/app/(app)/settings/security/export/route');
    expect(await redirectedTo(exportRoute.GET())).toBe('/settings/security');
    await expect(requireSession('/settings/security', { duringEnrollment: true })).resolves.toMatchObject({
      userId: admin.id,
    });
  });

  it('every signed-in action refuses, before reading its input, except the set-up steps and sign-out', async () => {
    const admin = await adminWithoutTwoFactor('enforced');
    const cookie = await browserOf(admin.id);
    const actions = await signedInActions();
    const checked = actions.filter(([id]) => !OPEN_DURING_ENROLLMENT.has(id.split('#')[1] ?? ''));
    expect(checked.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        'app/(app)/settings/security/actions.ts#changePasswordAction',
        'app/(app)/settings/security/actions.ts#disableAction',
        'app/(app)/settings/security/actions.ts#revokeOtherSessionsAction',
        'app/(app)/settings/security/account-actions.ts#deleteAccountAction',
        'app/(app)/dashboard/actions.ts#resendVerificationAction',
      ]),
    );
    for (const [id, action] of checked) {
      beginRequest({ [COOKIE]: cookie });
      const state = await action({ ok: false }, formOf({}));
      expect(state, id).toMatchObject({ ok: false, error: messages.mfaEnrollmentRequired });
    }
    // The account and its session are untouched by all that.
    beginRequest({ [COOKIE]: cookie });
    expect((await getSession())?.userId).toBe(admin.id);
  });

  it('the same actions during the grace period are not refused for the policy', async () => {
    const admin = await adminWithoutTwoFactor('grace');
    const cookie = await browserOf(admin.id);
    for (const [id, action] of await signedInActions()) {
      if (id.endsWith('#signOutAction')) continue;
      beginRequest({ [COOKIE]: cookie });
      const state = await action({ ok: false }, formOf({}));
      expect(state.error, id).not.toBe(messages.mfaEnrollmentRequired);
    }
    beginRequest({ [COOKIE]: cookie });
    const policy = (await getSession())?.mfaPolicy;
    expect(policy).toEqual({ kind: 'grace', until: expect.any(Date) });
  });

  it('the set-up steps work when enforced; once two-factor is on, everything opens at once', async () => {
    const { startSetupAction, enableAction, changePasswordAction } = await import(
      '@/app/(app)/settings/security/actions'
    );
    const admin = await adminWithoutTwoFactor('enforced');
    const cookie = await browserOf(admin.id);
    beginRequest({ [COOKIE]: cookie });
    const started = await startSetupAction({ ok: false }, formOf({ password: admin.password }));
    expect(started).toMatchObject({ ok: true, enrollment: { secret: expect.any(String) } });
    beginRequest({ [COOKIE]: cookie });
    const enabled = await enableAction(
      { ok: false },
      formOf({ code: await codeNow(started.enrollment?.secret ?? '') }),
    );
    expect(enabled).toMatchObject({ ok: true, backupCodes: expect.any(Array) });
    // This browser continues under a new session that passed the second factor.
    const rotated = changedCookies().find((c) => c.name === COOKIE)?.value ?? '';
    beginRequest({ [COOKIE]: rotated });
    expect((await getSession())?.mfaPolicy).toEqual({ kind: 'none' });
    await expect(requireSession('/dashboard')).resolves.toMatchObject({ userId: admin.id });
    beginRequest({ [COOKIE]: rotated });
    const state = await changePasswordAction({ ok: false }, formOf({}));
    expect(state.error).not.toBe(messages.mfaEnrollmentRequired);
    expect(state.fieldErrors).toBeDefined();
  });

  it('signing out still works', async () => {
    const { signOutAction } = await import('@/app/(app)/actions');
    const admin = await adminWithoutTwoFactor('enforced');
    beginRequest({ [COOKIE]: await browserOf(admin.id) });
    expect(await redirectedTo(signOutAction())).toBe('/login');
    expect(await getSession()).toBeNull();
  });

  it('a role granted to a signed-in account applies as soon as the database announces it (no stale cached session)', async () => {
    const person = await makeUser();
    const cookie = await browserOf(person.id);
    beginRequest({ [COOKIE]: cookie });
    expect((await getSession())?.mfaPolicy).toEqual({ kind: 'none' });
    await setRole(person.email, 'admin', ctx());
    // The cached session is dropped when the database announces the change: before the write
    // returns on PGlite, a moment after the commit on PostgreSQL (lib/auth/session-cache.ts).
    await vi.waitFor(
      async () => {
        beginRequest({ [COOKIE]: cookie });
        expect((await getSession())?.mfaPolicy.kind).toBe('grace');
      },
      { timeout: 3_000, interval: 25 },
    );
    // The grace period's end, reached by the clock alone: no write in between.
    vi.setSystemTime(Date.now() + 7 * DAY + 1000);
    beginRequest({ [COOKIE]: cookie });
    expect((await getSession())?.mfaPolicy).toEqual({ kind: 'enforced' });
  });
});

/** Signed in through the API with the password alone (two-factor is off): the access token. */
async function apiToken(email: string, password: string): Promise<string> {
  const answer = await call(loginRoute.POST, { body: { email, password } });
  expect(answer.status).toBe(200);
  return (answer.body as { accessToken: string }).accessToken;
}

type Handler = Parameters<typeof call>[0];

/** Open to a held account: operations marked duringEnrollment, and those without a bearer. */
const OPEN_API_PATHS = new Set([
  'app/api/v1/auth/logout/route.ts',
  'app/api/v1/auth/logout-all/route.ts',
  'app/api/v1/me/route.ts',
  'app/api/v1/mfa/enable/route.ts',
  'app/api/v1/mfa/setup/route.ts',
  // No bearer: nothing to hold.
  'app/api/v1/auth/login/route.ts',
  'app/api/v1/auth/register/route.ts',
  'app/api/v1/auth/mfa/verify/route.ts',
  'app/api/v1/auth/token/refresh/route.ts',
  'app/api/v1/openapi.json/route.ts',
]);

describe('past the grace period, /api/v1 answers 403 mfa_enrollment_required', () => {
  it('on every bearer route but the set-up, sign-out and me (every route module, a new one too)', async () => {
    const admin = await adminWithoutTwoFactor('enforced');
    const token = await apiToken(admin.email, admin.password);
    const routes = apiRouteModules();
    expect(routes).toContain('app/api/v1/sessions/route.ts');
    let refused = 0;
    for (const path of routes.filter((r) => !OPEN_API_PATHS.has(r))) {
      const mod = (await import(/* @vite-ignore */ join(ROOT, path))) as Record<string, unknown>;
      for (const method of ['GET', 'POST', 'DELETE', 'PUT', 'PATCH'].filter((m) => m in mod)) {
        const answer = await call(mod[method] as Handler, {
          method,
          token,
          body: method === 'GET' ? undefined : {},
          params: { id: 'a'.repeat(64) },
        });
        expect(answer.status, `${method} ${path}`).toBe(403);
        expect(answer.body.error, `${method} ${path}`).toEqual({
          code: 'mfa_enrollment_required',
          message: messages.mfaEnrollmentRequired,
        });
        refused++;
      }
    }
    expect(refused).toBeGreaterThanOrEqual(3);
  });

  it('the OpenAPI operations say so: every bearer operation but the open ones documents the 403', () => {
    const open = Object.entries(operations)
      .filter(([, op]) => 'duringEnrollment' in op && op.duringEnrollment)
      .map(([name]) => name)
      .sort();
    expect(open).toEqual(['logout', 'logoutAll', 'me', 'mfaEnable', 'mfaSetup']);
    for (const [name, op] of Object.entries(operations)) {
      if (!op.auth || open.includes(name)) continue;
      expect((op.errors as Record<number, string>)[403], name).toContain('mfa_enrollment_required');
    }
  });

  it('me answers (a program can learn the account state); set-up and enable work; then every route opens', async () => {
    const admin = await adminWithoutTwoFactor('enforced');
    const token = await apiToken(admin.email, admin.password);
    expect((await call(meRoute.GET, { method: 'GET', token })).status).toBe(200);
    expect((await call(sessionsRoute.GET, { method: 'GET', token })).status).toBe(403);
    const setup = await call(setupRoute.POST, { token, body: { password: admin.password } });
    expect(setup.status).toBe(200);
    const secret = String(setup.body.manualEntryKey);
    const enabled = await call(enableRoute.POST, { token, body: { code: await codeNow(secret) } });
    expect(enabled.status).toBe(200);
    const fresh = String(enabled.body.accessToken);
    expect((await call(sessionsRoute.GET, { method: 'GET', token: fresh })).status).toBe(200);
  });

  it('during the grace period the API answers as usual', async () => {
    const admin = await adminWithoutTwoFactor('grace');
    const token = await apiToken(admin.email, admin.password);
    expect((await call(sessionsRoute.GET, { method: 'GET', token })).status).toBe(200);
  });
});

/**
 * A role grant (the CLI's setRole) stopped inside its transaction, the account's row held and the
 * grant not yet committed, until the racing flow has checked the credentials and a moment more
 * (on PostgreSQL the flow's transaction then waits for the row), or 1.5 s at most (PGlite's one
 * connection runs the flow's queries only after the grant's transaction).
 */
async function grantInProgress(email: string): Promise<{ granted: Promise<unknown> }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let holding = () => {};
  const held = new Promise<void>((resolve) => {
    holding = resolve;
  });
  hooks.inGrant = async () => {
    holding();
    setTimeout(release, 1500);
    await released;
  };
  hooks.afterCredentials = async () => {
    setTimeout(release, 300);
  };
  const granted = setRole(email, 'admin', ctx());
  await held;
  return { granted };
}

describe('turning two-factor off alone is refused while the role requires it', () => {
  it('the flow refuses before the step-up, and two-factor stays on; a plain user may', async () => {
    const admin = await enrolledUser();
    await setRole(admin.email, 'admin', ctx());
    const owner = { userId: admin.id, email: admin.email, sessionId: 'x', remember: false };
    expect(await disableTwoFactor(owner, admin.password, await codeNow(admin.secret), ctx())).toEqual({
      ok: false,
      kind: 'mfaRequiredByRole',
    });
    expect(await isMfaEnabled(admin.id)).toBe(true);

    const plain = await enrolledUser();
    const plainOwner = { userId: plain.id, email: plain.email, sessionId: 'x', remember: false };
    expect(await disableTwoFactor(plainOwner, plain.password, await codeNow(plain.secret), ctx())).toEqual({
      ok: true,
    });
  });

  it('a role granted after the first check (while the step-up runs) is caught inside the change: refused, two-factor stays on', async () => {
    const person = await enrolledUser();
    const owner = { userId: person.id, email: person.email, sessionId: 'x', remember: false };
    hooks.afterCredentials = () => setRole(person.email, 'admin', ctx()).then(() => undefined);
    expect(await disableTwoFactor(owner, person.password, await codeNow(person.secret), ctx())).toEqual({
      ok: false,
      kind: 'mfaRequiredByRole',
    });
    expect(await isMfaEnabled(person.id)).toBe(true);
  });

  it('a role grant in progress (the row held, not committed): the change waits for it, then is refused', async () => {
    const person = await enrolledUser();
    const owner = { userId: person.id, email: person.email, sessionId: 'x', remember: false };
    const { granted } = await grantInProgress(person.email);
    const [result] = await Promise.all([
      disableTwoFactor(owner, person.password, await codeNow(person.secret), ctx()),
      granted,
    ]);
    expect(result).toEqual({ ok: false, kind: 'mfaRequiredByRole' });
    expect(await isMfaEnabled(person.id)).toBe(true);
  });

  it('the "This wasn\'t me" link still undoes a set-up when the role requires two-factor, and locks the account: the mailbox alone cannot get it back', async () => {
    const admin = await enrolledUser();
    await setRole(admin.email, 'admin', ctx());
    const token = await issueEmailToken({ userId: admin.id, purpose: 'undo_mfa_enable' });
    expect(await undoChange(token, ctx())).toMatchObject({ ok: true, kind: 'mfa_enabled', locked: true });
    // The enrollment is gone (it may have been someone else's)...
    expect(await isMfaEnabled(admin.id)).toBe(false);
    // ...and whoever reads the mailbox cannot go on to reset the password (no code would be asked
    // now that two-factor is off) and sign in: as with recovery, only an administrator brings it
    // back. No new password is set while it is locked, so none waits for the unlock.
    const reset = await issueEmailToken({ userId: admin.id, purpose: 'reset_password' });
    expect(await resetPassword(reset, 'a new passphrase for the mailbox reader', undefined, ctx())).toEqual({
      ok: false,
      kind: 'accountLocked',
    });
    expect(await passwordSignIn(admin.email, 'a new passphrase for the mailbox reader', ctx())).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
    expect(await passwordSignIn(admin.email, admin.password, ctx())).toEqual({
      ok: false,
      kind: 'accountLocked',
    });
    const [row] = await (await db())
      .select({ lockedAt: users.lockedAt, lockedBy: users.lockedBy })
      .from(users)
      .where(eq(users.id, admin.id));
    expect(row?.lockedAt).toBeInstanceOf(Date);
    expect(row?.lockedBy).toBeNull();
  });

  it('an old link after the factor already went (an administrator reset it) locks nothing', async () => {
    const admin = await enrolledUser();
    await setRole(admin.email, 'admin', ctx());
    const token = await issueEmailToken({ userId: admin.id, purpose: 'undo_mfa_enable' });
    await disableMfa(admin.id);
    expect(await undoChange(token, ctx())).toMatchObject({ ok: true, kind: 'mfa_enabled', locked: false });
    expect(await passwordSignIn(admin.email, admin.password, ctx())).toMatchObject({ ok: true });
  });

  it('for an account the policy does not name, the undo locks nothing (the reset is the way back)', async () => {
    const person = await enrolledUser();
    const token = await issueEmailToken({ userId: person.id, purpose: 'undo_mfa_enable' });
    expect(await undoChange(token, ctx())).toMatchObject({ ok: true, kind: 'mfa_enabled', locked: false });
    expect(await passwordSignIn(person.email, person.password, ctx())).toMatchObject({ ok: true });
  });

  it('from settings: the message says why', async () => {
    const { disableAction } = await import('@/app/(app)/settings/security/actions');
    const admin = await enrolledUser();
    await setRole(admin.email, 'admin', ctx());
    beginRequest();
    await startSession(admin.id, false, ctx(), true);
    const cookie = changedCookies().find((c) => c.name === COOKIE)?.value ?? '';
    beginRequest({ [COOKIE]: cookie });
    const state = await disableAction(
      { ok: false },
      formOf({ password: admin.password, code: await codeNow(admin.secret) }),
    );
    expect(state).toEqual({
      ok: false,
      error: 'Your role requires two-factor authentication, so it cannot be turned off.',
    });
    expect(await isMfaEnabled(admin.id)).toBe(true);
  });

  it('through the API: 403 mfa_required_by_role', async () => {
    const admin = await enrolledUser();
    await setRole(admin.email, 'admin', ctx());
    const ip = uniqueIp();
    const login = await call(loginRoute.POST, { body: { email: admin.email, password: admin.password }, ip });
    const verified = await call(verifyRoute.POST, {
      body: { challengeToken: login.body.challengeToken, code: await codeNow(admin.secret) },
      ip,
    });
    expect(verified.status).toBe(200);
    advanceSteps(1);
    const answer = await call(disableRoute.POST, {
      token: String(verified.body.accessToken),
      body: { password: admin.password, code: await codeNow(admin.secret) },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe('mfa_required_by_role');
    expect(await isMfaEnabled(admin.id)).toBe(true);
  });
});

describe('an account whose role requires two-factor cannot recover alone', () => {
  async function verifiedEnrolled() {
    const user = await enrolledUser();
    await (await db()).update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
    return user;
  }
  async function recoveryMails(email: string) {
    await recoveryMailsSettled();
    return (await listOutbox(outbox, 1000)).filter(
      (m) => m.to === email && m.subject.startsWith('Account recovery requested'),
    );
  }
  const recoveriesOf = async (userId: string) =>
    (await db()).select().from(accountRecoveries).where(eq(accountRecoveries.userId, userId));

  it('the same answer, but no recovery and no link: a mail saying an administrator must reset two-factor', async () => {
    const admin = await verifiedEnrolled();
    await setRole(admin.email, 'admin', ctx());
    expect(await requestAccountRecovery(admin.email, ctx())).toEqual({ ok: true });
    const [mail, ...more] = await recoveryMails(admin.email);
    expect(more).toEqual([]);
    expect(mail?.text).toContain('an administrator must reset two-factor authentication');
    expect(mail?.text).not.toMatch(/account-recovery\/(complete|cancel)\//);
    expect(await recoveriesOf(admin.id)).toEqual([]);
  });

  it('a recovery started before the role was granted cannot be completed', async () => {
    const person = await verifiedEnrolled();
    expect(await requestAccountRecovery(person.email, ctx())).toEqual({ ok: true });
    const [mail] = await recoveryMails(person.email);
    const token = mail?.text.match(/\/account-recovery\/complete\/([A-Za-z0-9_-]{43})$/m)?.[1];
    expect(token).toBeDefined();
    await setRole(person.email, 'admin', ctx());
    vi.setSystemTime(Date.now() + recoveryDelayMs() + 1000);
    expect(await completeAccountRecovery(token, person.password, ctx())).toEqual({
      ok: false,
      kind: 'recoveryNeedsAdmin',
    });
    expect(await isMfaEnabled(person.id)).toBe(true);
  });

  it('a role grant in progress while the link is used: the recovery waits for it, then is refused; the link stays unspent', async () => {
    const person = await verifiedEnrolled();
    expect(await requestAccountRecovery(person.email, ctx())).toEqual({ ok: true });
    const [mail] = await recoveryMails(person.email);
    const token = mail?.text.match(/\/account-recovery\/complete\/([A-Za-z0-9_-]{43})$/m)?.[1];
    expect(token).toBeDefined();
    vi.setSystemTime(Date.now() + recoveryDelayMs() + 1000);
    const { granted } = await grantInProgress(person.email);
    const [result] = await Promise.all([completeAccountRecovery(token, person.password, ctx()), granted]);
    expect(result).toEqual({ ok: false, kind: 'recoveryNeedsAdmin' });
    expect(await isMfaEnabled(person.id)).toBe(true);
    expect((await recoveriesOf(person.id)).map((r) => r.endedAt)).toEqual([null]);
  });

  it("an administrator's lock committed after the password was checked: the recovery is refused as locked; the link stays unspent", async () => {
    const person = await verifiedEnrolled();
    expect(await requestAccountRecovery(person.email, ctx())).toEqual({ ok: true });
    const [mail] = await recoveryMails(person.email);
    const token = mail?.text.match(/\/account-recovery\/complete\/([A-Za-z0-9_-]{43})$/m)?.[1];
    expect(token).toBeDefined();
    vi.setSystemTime(Date.now() + recoveryDelayMs() + 1000);
    hooks.afterCredentials = async () => {
      hooks.afterCredentials = null;
      await (await db()).update(users).set({ lockedAt: new Date() }).where(eq(users.id, person.id));
    };
    expect(await completeAccountRecovery(token, person.password, ctx())).toEqual({
      ok: false,
      kind: 'accountLocked',
    });
    expect(await isMfaEnabled(person.id)).toBe(true);
    expect((await recoveriesOf(person.id)).map((r) => r.endedAt)).toEqual([null]);
  });
});
