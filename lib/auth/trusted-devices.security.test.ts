import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signOutEverywhere } from '@/lib/api/account';
import { hashToken } from '@/lib/crypto/tokens';
import { db } from '@/lib/db/client';
import { auditEvents, trustedDevices, users } from '@/lib/db/schema';
import { noticesSettled } from '@/lib/email/notices';
import { listOutbox } from '@/lib/email/outbox';
import { disableMfa } from '@/lib/mfa/factors';
import { beginEnrollment } from '@/lib/mfa/totp-factor';
import { ctx, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { codeAt, codeNow, enrolledUser, freezeClock, nowStep, tablesContaining } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies } from '@/tests/request-scope';
import {
  completeAccountRecovery,
  recoveryDelayMs,
  recoveryMailsSettled,
  requestAccountRecovery,
} from './account-recovery';
import { changePassword } from './change-password';
import { issueEmailToken } from './email-tokens';
import { resetPassword } from './password-reset';
import { createSession, validateSessionId } from './sessions';
import {
  checkTrustedDevice,
  listTrustedDevices,
  MAX_TRUSTED_DEVICES,
  type RemovalReason,
  removeAllTrustedDevices,
  removeTrustedDevice,
  TRUST_MS,
  trustedDeviceSkipsSecondStep,
  trustThisDevice,
} from './trusted-devices';
import { disableTwoFactor, enableTwoFactor } from './two-factor';
import { undoChange } from './undo';

vi.mock('next/headers', () => import('@/tests/request-scope'));

const outbox = tempOutbox('trusted-devices');
setupIntegration();
beforeEach(() => {
  freezeClock();
});
afterEach(async () => {
  await noticesSettled();
  vi.useRealTimers();
});

const CHROME_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Tick the box at the second step in a fresh browser: the cookie it got, as the browser keeps it. */
async function trustBrowser(userId: string, from = ctx(uniqueIp(), CHROME_LINUX)) {
  beginRequest();
  await trustThisDevice(userId, from);
  const cookie = changedCookies().find((c) => c.name.includes('latchkey.trusted.'));
  if (!cookie) throw new Error('no trusted-device cookie set');
  return cookie;
}

/** The next password step from a browser holding `cookies`: does it skip the second step? */
async function skips(userId: string, cookies: Record<string, string>) {
  beginRequest(cookies);
  return trustedDeviceSkipsSecondStep(userId);
}

const rowsOf = async (userId: string) =>
  (await db()).select().from(trustedDevices).where(eq(trustedDevices.userId, userId));

const removals = async (userId: string) =>
  (await (await db()).select().from(auditEvents).where(eq(auditEvents.userId, userId))).filter(
    (e) => e.type === 'trusted_device_removed',
  );

describe('trusting a browser', () => {
  it('gives it a random 256-bit token in an HttpOnly cookie for 30 days; only its SHA-256 is stored', async () => {
    const user = await enrolledUser();
    const cookie = await trustBrowser(user.id);
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: 30 * 24 * 60 * 60 });
    // Not named after the account in a readable way.
    expect(cookie.name).not.toContain(user.id);
    const [row] = await rowsOf(user.id);
    expect(row?.id).toBe(hashToken(cookie.value));
    expect(row?.userAgent).toBe(CHROME_LINUX);
    expect(row?.expiresAt.getTime()).toBe(Date.now() + TRUST_MS);
    // No table anywhere holds the token itself.
    expect(await tablesContaining([cookie.value])).toEqual([]);
    const events = await (await db()).select().from(auditEvents).where(eq(auditEvents.userId, user.id));
    expect(events.map((e) => e.type)).toContain('trusted_device_added');
  });

  it('tells the owner by mail, naming the device, with no secret in it', async () => {
    const user = await enrolledUser();
    const cookie = await trustBrowser(user.id, ctx('198.51.100.7', CHROME_LINUX));
    await noticesSettled();
    const [mail] = (await listOutbox(outbox, 1000)).filter((m) => m.to === user.email);
    expect(mail?.subject).toMatch(/A device was trusted/);
    expect(mail?.text).toContain('From: Chrome on Linux, IP address 198.51.100.7');
    expect(mail?.text).toContain('/settings/security');
    expect(`${mail?.text}${mail?.html}`).not.toContain(cookie.value);
    expect(`${mail?.text}${mail?.html}`).not.toContain(hashToken(cookie.value));
  });
});

describe('a trusted browser skips the second step', () => {
  it('for its account, recording the use; the expiry is fixed and never extended by use', async () => {
    const user = await enrolledUser();
    const cookie = await trustBrowser(user.id);
    const [before] = await rowsOf(user.id);
    vi.setSystemTime(Date.now() + 29 * DAY_MS);
    expect(await skips(user.id, { [cookie.name]: cookie.value })).toBe(true);
    const [after] = await rowsOf(user.id);
    expect(after?.lastUsedAt.getTime()).toBe(Date.now());
    expect(after?.expiresAt.getTime()).toBe(before?.expiresAt.getTime());
    // A minute past the 30 days: no more, however recently it was used; the cookie is cleared.
    vi.setSystemTime((before?.expiresAt.getTime() ?? 0) + 60_000);
    expect(await skips(user.id, { [cookie.name]: cookie.value })).toBe(false);
    expect(changedCookies()).toContainEqual(expect.objectContaining({ name: cookie.name, value: '' }));
    expect(await listTrustedDevices(user.id)).toEqual([]);
  });

  it('is bound to the account: another account’s token does nothing here, under any cookie name', async () => {
    const a = await enrolledUser();
    const b = await enrolledUser();
    const cookieA = await trustBrowser(a.id);
    const cookieB = await trustBrowser(b.id);
    expect(cookieA.name).not.toBe(cookieB.name);
    expect(await skips(a.id, { [cookieA.name]: cookieB.value })).toBe(false);
    expect(await skips(a.id, { [cookieB.name]: cookieB.value })).toBe(false);
    expect(await checkTrustedDevice(a.id, cookieB.value)).toBe(false);
    // B's token still works for B (A's refusal did not spend it), and A's for A.
    expect(await skips(b.id, { [cookieB.name]: cookieB.value })).toBe(true);
    expect(await skips(a.id, { [cookieA.name]: cookieA.value })).toBe(true);
    // Made-up tokens of the right shape are nothing either.
    expect(await skips(a.id, { [cookieA.name]: 'A'.repeat(43) })).toBe(false);
  });

  it('is ignored for an account without two-factor on', async () => {
    const user = await enrolledUser();
    const cookie = await trustBrowser(user.id);
    // The factor gone by a path that leaves the row (as a bug or a future path might).
    await disableMfa(user.id);
    expect(await rowsOf(user.id)).toHaveLength(1);
    expect(await skips(user.id, { [cookie.name]: cookie.value })).toBe(false);
    // And an account that never had it.
    const plain = await makeUser();
    const plainCookie = await trustBrowser(plain.id);
    expect(await skips(plain.id, { [plainCookie.name]: plainCookie.value })).toBe(false);
  });

  it('never comes back to life when two-factor is turned on again', async () => {
    const user = await enrolledUser();
    const cookie = await trustBrowser(user.id);
    await disableMfa(user.id); // a path that left the row behind
    const enrollment = await beginEnrollment(user.id, user.email);
    if (!enrollment) throw new Error('no enrollment');
    const session = await createSession(user.id, false, ctx(), false);
    const owner = { userId: user.id, email: user.email, sessionId: session.id, remember: false };
    const code = await codeAt(enrollment.secret, nowStep());
    expect(await enableTwoFactor(owner, code, ctx(), async () => {})).toMatchObject({ ok: true });
    expect(await rowsOf(user.id)).toEqual([]);
    expect(await skips(user.id, { [cookie.name]: cookie.value })).toBe(false);
  });

  it('keeps at most MAX_TRUSTED_DEVICES per account: the oldest goes', async () => {
    const user = await enrolledUser();
    const first = await trustBrowser(user.id);
    for (let i = 0; i < MAX_TRUSTED_DEVICES; i++) {
      vi.setSystemTime(Date.now() + 1_000);
      await trustBrowser(user.id);
    }
    expect(await listTrustedDevices(user.id)).toHaveLength(MAX_TRUSTED_DEVICES);
    expect(await checkTrustedDevice(user.id, first.value)).toBe(false);
  });
});

describe('removing trusted devices', () => {
  it('one at a time, by its owner only, audited', async () => {
    const user = await enrolledUser();
    const other = await enrolledUser();
    const cookie = await trustBrowser(user.id);
    const id = hashToken(cookie.value);
    expect(await removeTrustedDevice(other.id, id, ctx())).toBe(false);
    expect(await checkTrustedDevice(user.id, cookie.value)).toBe(true);
    expect(await removeTrustedDevice(user.id, id, ctx())).toBe(true);
    expect(await checkTrustedDevice(user.id, cookie.value)).toBe(false);
    expect(await removeTrustedDevice(user.id, id, ctx())).toBe(false);
    expect((await removals(user.id)).map((e) => e.detail)).toEqual([{ count: 1, reason: 'removed' }]);
  });

  it('all at once, inside the caller’s transaction (rolled back with it)', async () => {
    const user = await enrolledUser();
    const cookie = await trustBrowser(user.id);
    await expect(
      (await db()).transaction(async (tx) => {
        expect(await removeAllTrustedDevices(user.id, tx)).toBe(1);
        throw new Error('the caller’s change failed');
      }),
    ).rejects.toThrow('failed');
    expect(await checkTrustedDevice(user.id, cookie.value)).toBe(true);
    expect(await removeAllTrustedDevices(user.id)).toBe(1);
    expect(await checkTrustedDevice(user.id, cookie.value)).toBe(false);
  });

  /** Each event that must end every trusted device: it runs `event`, then nothing skips. */
  async function endsEveryTrustedDevice(
    reason: RemovalReason,
    event: (user: Awaited<ReturnType<typeof enrolledUser>>) => Promise<unknown>,
  ) {
    const user = await enrolledUser();
    const one = await trustBrowser(user.id);
    const two = await trustBrowser(user.id);
    const bystander = await enrolledUser();
    const theirs = await trustBrowser(bystander.id);
    await event(user);
    expect(await rowsOf(user.id)).toEqual([]);
    expect(await skips(user.id, { [one.name]: one.value, [two.name]: two.value })).toBe(false);
    expect((await removals(user.id)).map((e) => e.detail)).toContainEqual({ count: 2, reason });
    // Another account's trust is untouched.
    expect(await checkTrustedDevice(bystander.id, theirs.value)).toBe(true);
  }

  it('when the password is changed', async () => {
    await endsEveryTrustedDevice('password_changed', async (user) => {
      const session = await createSession(user.id, false, ctx(), true);
      expect(
        await changePassword(user, user.password, 'a brand new passphrase 77', session.id, ctx()),
      ).toMatchObject({ ok: true });
    });
  });

  it('when the password is reset', async () => {
    await endsEveryTrustedDevice('password_reset', async (user) => {
      const token = await issueEmailToken({ userId: user.id, purpose: 'reset_password' });
      expect(
        await resetPassword(token, 'a brand new passphrase 78', user.backupCodes[0], ctx()),
      ).toMatchObject({ ok: true });
    });
  });

  it('when two-factor is turned off', async () => {
    await endsEveryTrustedDevice('mfa_disabled', async (user) => {
      const session = await createSession(user.id, false, ctx(), true);
      const owner = { userId: user.id, email: user.email, sessionId: session.id, remember: false };
      expect(await disableTwoFactor(owner, user.password, await codeNow(user.secret), ctx())).toEqual({
        ok: true,
      });
    });
  });

  it('when the API signs out everywhere', async () => {
    await endsEveryTrustedDevice('signed_out_everywhere', async (user) => {
      const { id } = await createSession(user.id, true, ctx(), true);
      const session = await validateSessionId(id);
      if (!session) throw new Error('no session');
      await signOutEverywhere({ session, amr: ['otp'] }, ctx());
    });
  });

  it('when an account recovery completes', async () => {
    await endsEveryTrustedDevice('account_recovered', async (user) => {
      await (await db()).update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
      expect(await requestAccountRecovery(user.email, ctx())).toEqual({ ok: true });
      await recoveryMailsSettled();
      const [mail] = (await listOutbox(outbox, 1000)).filter(
        (m) => m.to === user.email && m.subject.startsWith('Account recovery requested'),
      );
      const token = mail?.text.match(/\/account-recovery\/complete\/([A-Za-z0-9_-]{43})$/m)?.[1];
      vi.setSystemTime(Date.now() + recoveryDelayMs() + 1_000);
      expect(await completeAccountRecovery(token, user.password, ctx())).toMatchObject({ ok: true });
    });
  });

  it('when turning two-factor on is undone from the mailbox', async () => {
    await endsEveryTrustedDevice('change_undone', async (user) => {
      const token = await issueEmailToken({ userId: user.id, purpose: 'undo_mfa_enable' });
      expect(await undoChange(token, ctx())).toMatchObject({ ok: true });
    });
  });
});
