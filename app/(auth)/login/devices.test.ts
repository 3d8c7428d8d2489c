import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerAction } from '@/app/(auth)/register/actions';
import { recentEvents } from '@/lib/audit';
import { readSessionCookie } from '@/lib/auth/auth.config';
import { validateSession } from '@/lib/auth/sessions';
import { db } from '@/lib/db/client';
import { trustedDevices, users } from '@/lib/db/schema';
import { noticesSettled } from '@/lib/email/notices';
import { listOutbox } from '@/lib/email/outbox';
import { messages } from '@/lib/messages';
import { uniqueEmail, uniqueIp } from '@/tests/helpers';
import { PASSWORD, setupIntegration } from '@/tests/integration';
import { enrolledUser, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies, formOf, redirectedTo } from '@/tests/request-scope';
import { loginAction } from './actions';
import { verifyBackupAction, verifyTotpAction } from './verify/actions';

vi.mock('next/headers', () => import('@/tests/request-scope'));

const outbox = tempOutbox('login-devices');
setupIntegration();
afterEach(async () => {
  await noticesSettled();
  vi.useRealTimers();
});

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const SESSION = 'latchkey.session';

type Jar = Record<string, string>;
/** The browser's cookies after a response: what it had, overlaid by what was set (or cleared). */
function keep(browser: Jar): Jar {
  const jar = { ...browser };
  for (const c of changedCookies()) {
    if (c.value === '') delete jar[c.name];
    else jar[c.name] = c.value;
  }
  return jar;
}

const request = (browser: Jar, ip = uniqueIp()) =>
  beginRequest(browser, { 'x-latchkey-peer': ip, 'user-agent': CHROME_WINDOWS });

async function mailsTo(email: string, subject: RegExp) {
  await noticesSettled();
  return (await listOutbox(outbox, 1000)).filter((m) => m.to === email && subject.test(m.subject));
}

/** The password step; where it sent the browser, and the browser's cookies after it. */
async function passwordStep(email: string, password: string, browser: Jar = {}, ip?: string) {
  request(browser, ip);
  const to = await redirectedTo(loginAction({ ok: false }, formOf({ email, password })));
  return { to, browser: keep(browser) };
}

/** The second step with a backup code, ticking the box or not. */
async function backupStep(code: string, trust: boolean, browser: Jar) {
  request(browser);
  const fields: Jar = { backupCode: code };
  if (trust) fields.trust = 'on';
  const to = await redirectedTo(verifyBackupAction({ ok: false }, formOf(fields)));
  return { to, browser: keep(browser) };
}

const trustedCookies = (browser: Jar) => Object.keys(browser).filter((n) => n.includes('latchkey.trusted.'));

describe('trusting a device at the second step', () => {
  it('ticked: the browser gets the cookie; its next sign-in skips the second step, a full sign-in', async () => {
    freezeClock();
    const user = await enrolledUser();
    const first = await passwordStep(user.email, user.password);
    expect(first.to).toMatch(/^\/login\/verify/);
    const verified = await backupStep(user.backupCodes[0] ?? '', true, first.browser);
    expect(verified.to).toBe('/dashboard');
    expect(trustedCookies(verified.browser)).toHaveLength(1);
    expect(await mailsTo(user.email, /A device was trusted/)).toHaveLength(1);

    // Signed out (the session cookie gone): the password alone signs in.
    const { [SESSION]: _, ...signedOut } = verified.browser;
    const again = await passwordStep(user.email, user.password, signedOut);
    expect(again.to).toBe('/dashboard');
    const claims = await readSessionCookie(again.browser[SESSION]);
    expect(await validateSession(claims?.sessionToken ?? '')).toMatchObject({
      userId: user.id,
      mfaEnabled: true,
    });
    const [signIn] = (await recentEvents(user.id, 20)).filter((e) => e.type === 'sign_in_success');
    expect(signIn?.detail).toEqual({ method: 'password', trustedDevice: true });
    // Never the password: a wrong one from the trusted browser is refused like any other.
    request(signedOut);
    expect(
      await loginAction({ ok: false }, formOf({ email: user.email, password: 'not the password at all' })),
    ).toMatchObject({ ok: false, error: messages.invalidCredentials });
  });

  it('not ticked (either mode): no cookie, no row, the next sign-in asks again', async () => {
    freezeClock();
    const user = await enrolledUser();
    const first = await passwordStep(user.email, user.password);
    const verified = await backupStep(user.backupCodes[0] ?? '', false, first.browser);
    expect(verified.to).toBe('/dashboard');
    expect(trustedCookies(verified.browser)).toEqual([]);
    expect(
      await (await db()).select().from(trustedDevices).where(eq(trustedDevices.userId, user.id)),
    ).toEqual([]);
    const { [SESSION]: _, ...signedOut } = verified.browser;
    expect((await passwordStep(user.email, user.password, signedOut)).to).toMatch(/^\/login\/verify/);
  });

  it('the authenticator form carries the box too', async () => {
    freezeClock();
    const user = await enrolledUser();
    const first = await passwordStep(user.email, user.password);
    request(first.browser);
    const { codeNow } = await import('@/tests/mfa');
    const to = await redirectedTo(
      verifyTotpAction({ ok: false }, formOf({ code: await codeNow(user.secret), trust: 'on' })),
    );
    expect(to).toBe('/dashboard');
    expect(trustedCookies(keep(first.browser))).toHaveLength(1);
  });

  it('a trusted browser of another account does not skip for this one', async () => {
    freezeClock();
    const a = await enrolledUser();
    const b = await enrolledUser();
    const atB = await passwordStep(b.email, b.password);
    const trustedForB = (await backupStep(b.backupCodes[0] ?? '', true, atB.browser)).browser;
    const { [SESSION]: _, ...browser } = trustedForB;
    expect((await passwordStep(a.email, a.password, browser)).to).toMatch(/^\/login\/verify/);
  });
});

describe('new-device notices through the forms', () => {
  const register = async (email: string, ip: string) => {
    request({}, ip);
    await redirectedTo(
      registerAction({ ok: false }, formOf({ email, password: PASSWORD, confirmPassword: PASSWORD })),
    );
    const { [SESSION]: _, ...browser } = keep({});
    return browser;
  };
  const signIn = async (email: string, ip: string, browser: Jar = {}) => {
    const step = await passwordStep(email, PASSWORD, browser, ip);
    expect(step.to).toBe('/dashboard');
    const { [SESSION]: _, ...kept } = step.browser;
    return kept;
  };
  /** The notices, counted by their events (an unverified address gets one mail of a kind an hour). */
  const newSignIns = async (email: string) => {
    const [user] = await (await db()).select({ id: users.id }).from(users).where(eq(users.email, email));
    const events = (await recentEvents(user?.id ?? '', 50)).filter((e) => e.type === 'new_device_sign_in');
    expect((await mailsTo(email, /New sign-in/)).length).toBe(Math.min(events.length, 1));
    return events;
  };

  it('registration mails nothing; its browser and its network are known', async () => {
    const email = uniqueEmail('newdev');
    const home = uniqueIp();
    const browser = await register(email, home);
    // Another browser at home; the registering browser elsewhere: neither is news.
    await signIn(email, home);
    await signIn(email, uniqueIp(), browser);
    expect(await newSignIns(email)).toEqual([]);
    // A new browser on a new network is.
    await signIn(email, uniqueIp());
    expect(await newSignIns(email)).toHaveLength(1);
  });

  it('a browser becomes known by signing in: its next sign-in, from anywhere, mails nothing', async () => {
    const email = uniqueEmail('newdev');
    await register(email, uniqueIp());
    const laptop = await signIn(email, uniqueIp());
    expect(await newSignIns(email)).toHaveLength(1);
    await signIn(email, uniqueIp(), laptop);
    expect(await newSignIns(email)).toHaveLength(1);
  });

  it('the password step alone (no code yet) does not make a browser known', async () => {
    freezeClock();
    const user = await enrolledUser();
    const first = await passwordStep(user.email, user.password);
    expect(first.to).toMatch(/^\/login\/verify/);
    const verified = await backupStep(user.backupCodes[0] ?? '', false, first.browser);
    expect(verified.to).toBe('/dashboard');
    // makeUser registers no network: this browser and network were both new.
    expect(await newSignIns(user.email)).toHaveLength(1);
  });
});
