import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ctx, FIFTEEN_MINUTES, pinClockToMidWindow, uniqueIp } from '@/tests/helpers';
import { makeUser, sessionRow, setupIntegration } from '@/tests/integration';
import { passwordSignIn } from './login';
import { createSession, MAX_LIVE_SESSIONS } from './sessions';

setupIntegration();
afterEach(() => vi.useRealTimers());

const WRONG = 'definitely not the password';
// A device id as lib/auth/device-cookie.ts makes them, new each run (a real Redis keeps budgets 15 minutes).
const OWNERS_BROWSER = randomBytes(16).toString('base64url');

/**
 * Put the clock `ms` before the end of a 15-minute window (windows align to the epoch), and stop
 * it there: on a running clock, failures that took longer than `ms` (argon2 on a loaded machine)
 * would straddle the edge and never reach five in one window.
 */
function nearWindowEnd(ms: number): number {
  const end = Math.ceil(Date.now() / FIFTEEN_MINUTES) * FIFTEEN_MINUTES + FIFTEEN_MINUTES;
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: false });
  vi.setSystemTime(end - ms);
  return end;
}

function freeze(at: number) {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  vi.setSystemTime(at);
}

async function fail(n: number, email: string, device: string | null = null) {
  for (let i = 0; i < n; i++) await passwordSignIn(email, WRONG, ctx(uniqueIp()), device);
}

// The tests that count failures run on a clock pinned mid-window: five failures that straddled a
// fixed window's end would be counted in two windows and lock nothing.
describe('anyone can lock the owner out: not from another browser', () => {
  it('5 wrong passwords from unknown browsers lock them out, while the browser that signed in before gets in', async () => {
    pinClockToMidWindow();
    const user = await makeUser();
    await fail(5, user.email);
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()))).toMatchObject({
      kind: 'rate_limited',
    });
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()), OWNERS_BROWSER)).toMatchObject({
      ok: true,
    });
  });

  it("a known browser's own failures lock only that browser", async () => {
    pinClockToMidWindow();
    const user = await makeUser();
    await fail(5, user.email, OWNERS_BROWSER);
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()), OWNERS_BROWSER)).toMatchObject({
      kind: 'rate_limited',
    });
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()))).toMatchObject({ ok: true });
  });
});

describe('the lock is a full 15 minutes from the fifth failure, not a fixed window', () => {
  it('5 failures just before a window ends still lock for 15 minutes after the edge', async () => {
    const user = await makeUser();
    const edge = nearWindowEnd(5_000);
    await fail(5, user.email);
    const fifth = Date.now();
    vi.setSystemTime(edge + 10_000); // a fresh fixed window
    const refused = await passwordSignIn(user.email, WRONG, ctx(uniqueIp()));
    expect(refused).toMatchObject({ ok: false, kind: 'rate_limited' });
    if (!refused.ok && refused.kind === 'rate_limited') {
      expect(refused.retryAt).toBeGreaterThanOrEqual(fifth + FIFTEEN_MINUTES - 1_000);
    }
    vi.setSystemTime(fifth + FIFTEEN_MINUTES + 1_000);
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()))).toMatchObject({ ok: true });
  });
});

describe('argon2 work is budgeted, for right passwords too', () => {
  it('30 verifications per account in 15 minutes, successes included; then refused without verifying', async () => {
    freeze(Math.floor(Date.now() / FIFTEEN_MINUTES) * FIFTEEN_MINUTES + 60_000);
    const user = await makeUser();
    for (let i = 0; i < 30; i++) {
      expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()))).toMatchObject({ ok: true });
    }
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()))).toMatchObject({
      ok: false,
      kind: 'rate_limited',
    });
  });
});

describe('sessions per account are capped', () => {
  it(`at most ${MAX_LIVE_SESSIONS} live: each new one ends the oldest`, async () => {
    pinClockToMidWindow();
    const user = await makeUser();
    const made = [];
    for (let i = 0; i < MAX_LIVE_SESSIONS + 5; i++) {
      made.push(await createSession(user.id, true, ctx()));
      vi.advanceTimersByTime(10);
    }
    const rows = await Promise.all(made.map((s) => sessionRow(s.id)));
    const live = rows.filter((r) => r && !r.revokedAt);
    expect(live).toHaveLength(MAX_LIVE_SESSIONS);
    // The oldest five ended; the newest is alive.
    expect(rows.slice(0, 5).every((r) => r?.revokedAt instanceof Date)).toBe(true);
    expect(rows.at(-1)?.revokedAt).toBeNull();
  });

  it('concurrent sign-ins cannot push past the cap', async () => {
    const user = await makeUser();
    const made = await Promise.all(
      Array.from({ length: MAX_LIVE_SESSIONS + 10 }, () => createSession(user.id, false, ctx())),
    );
    const rows = await Promise.all(made.map((s) => sessionRow(s.id)));
    expect(rows.filter((r) => r && !r.revokedAt)).toHaveLength(MAX_LIVE_SESSIONS);
  });
});
