import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ctx,
  FIFTEEN_MINUTES,
  nextSlash64,
  pinClockToMidWindow,
  uniqueEmail,
  uniqueIp,
  uniqueSlash64,
} from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration } from '@/tests/integration';
import { type PasswordSignInResult, passwordSignIn } from './login';

setupIntegration();

let now = 0;

beforeEach(() => {
  // Mid-window, so no test straddles a 15-minute boundary (the clock keeps running).
  now = pinClockToMidWindow(FIFTEEN_MINUTES);
});

afterEach(() => {
  vi.useRealTimers();
});

const WRONG = 'definitely not the password';

function expectRateLimited(result: PasswordSignInResult) {
  expect(result).toMatchObject({ ok: false, kind: 'rate_limited' });
  if (result.ok || result.kind !== 'rate_limited') return;
  expect(result.retryAt).toBeGreaterThan(now);
  // At most 15 minutes from the attempt that locked it (the lock runs from there, not to a
  // window's end), and the clock has not moved past that attempt.
  expect(result.retryAt).toBeLessThanOrEqual(Date.now() + FIFTEEN_MINUTES);
}

async function failTimes(n: number, email: string, ip?: () => string) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await passwordSignIn(email, WRONG, ctx(ip?.() ?? uniqueIp())));
  return results;
}

describe('account enumeration', () => {
  it('a wrong password and an unknown email get exactly the same answer', async () => {
    const user = await makeUser();
    const wrong = await passwordSignIn(user.email, WRONG, ctx());
    const unknown = await passwordSignIn(uniqueEmail(), WRONG, ctx());
    expect(wrong).toEqual({ ok: false, kind: 'invalidCredentials' });
    expect(unknown).toEqual(wrong);
  });

  it('an unknown email is locked after 5 failures just like a real account', async () => {
    const user = await makeUser();
    const unknown = uniqueEmail();
    await failTimes(5, user.email);
    await failTimes(5, unknown);
    const real = await passwordSignIn(user.email, WRONG, ctx());
    const fake = await passwordSignIn(unknown, WRONG, ctx());
    expectRateLimited(real);
    expectRateLimited(fake);
    // The same answer; each lock runs 15 minutes from its own fifth failure, a few ms apart.
    const { retryAt: realAt, ...realRest } = real as { retryAt: number };
    const { retryAt: fakeAt, ...fakeRest } = fake as { retryAt: number };
    expect(fakeRest).toEqual(realRest);
    expect(Math.abs(fakeAt - realAt)).toBeLessThan(5_000);
  });
});

describe('attempt caps', () => {
  it('after 5 failures for one account from 5 IPs, even the right password is refused', async () => {
    const user = await makeUser();
    expect(await failTimes(5, user.email)).toEqual(Array(5).fill({ ok: false, kind: 'invalidCredentials' }));
    const ip = uniqueIp();
    expectRateLimited(await passwordSignIn(user.email, user.password, ctx(ip)));

    const rows = await auditRowsFromIp(ip);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: 'sign_in_rate_limited',
      userId: user.id,
      detail: { limiter: 'signInAccount' },
    });
    expect(JSON.stringify(rows)).not.toContain(user.password);
  });

  it('the lock is per account: another account signs in from the same IP', async () => {
    const [locked, other] = await Promise.all([makeUser(), makeUser()]);
    const ip = uniqueIp();
    await failTimes(5, locked.email, () => ip);
    expectRateLimited(await passwordSignIn(locked.email, locked.password, ctx(ip)));
    expect(await passwordSignIn(other.email, other.password, ctx(ip))).toEqual({
      ok: true,
      userId: other.id,
      mfaRequired: false,
    });
  });

  it('the lock ends 15 minutes after the fifth failure', async () => {
    const user = await makeUser();
    await failTimes(5, user.email);
    const fifth = Date.now();
    expectRateLimited(await passwordSignIn(user.email, user.password, ctx()));
    vi.setSystemTime(fifth + FIFTEEN_MINUTES + 1_000);
    expect(await passwordSignIn(user.email, user.password, ctx())).toEqual({
      ok: true,
      userId: user.id,
      mfaRequired: false,
    });
  });

  it('a success does not count: 4 failures, a success, 1 failure still leaves that failure allowed', async () => {
    const user = await makeUser();
    await failTimes(4, user.email);
    expect(await passwordSignIn(user.email, user.password, ctx())).toEqual({
      ok: true,
      userId: user.id,
      mfaRequired: false,
    });
    expect(await passwordSignIn(user.email, WRONG, ctx())).toEqual({ ok: false, kind: 'invalidCredentials' });
    // That was the 5th failure in the window: now the account is locked.
    expectRateLimited(await passwordSignIn(user.email, user.password, ctx()));
  });

  it('10 successful sign-ins in a row are all allowed', async () => {
    const user = await makeUser();
    for (let i = 0; i < 10; i++) {
      expect(await passwordSignIn(user.email, user.password, ctx())).toEqual({
        ok: true,
        userId: user.id,
        mfaRequired: false,
      });
    }
  });

  it('one IP gets 50 failures across accounts; the 51st attempt is refused, even for a right password', async () => {
    const ip = uniqueIp();
    const user = await makeUser();
    for (let batch = 0; batch < 5; batch++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => passwordSignIn(uniqueEmail(), WRONG, ctx(ip))),
      );
      expect(results).toEqual(Array(10).fill({ ok: false, kind: 'invalidCredentials' }));
    }
    const refused = await passwordSignIn(user.email, user.password, ctx(ip));
    expectRateLimited(refused);
    const limited = (await auditRowsFromIp(ip)).filter((r) => r.type === 'sign_in_rate_limited');
    expect(limited.map((r) => r.detail)).toEqual([{ limiter: 'signInIp', count: 1 }]);

    // The account was not charged for the refused attempt: from elsewhere it signs in at once.
    expect(await passwordSignIn(user.email, user.password, ctx())).toEqual({
      ok: true,
      userId: user.id,
      mfaRequired: false,
    });
  });
});

describe('IPv6 rotation', () => {
  it('50 failures from 50 addresses of one /64 spend the budget of the whole /64; the next /64 keeps its own', async () => {
    // The attacker holds a /64 (every IPv6 customer does) and sends each guess from a new address.
    const slash64 = uniqueSlash64();
    for (let batch = 0; batch < 5; batch++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => passwordSignIn(uniqueEmail(), WRONG, ctx(slash64.address()))),
      );
      expect(results).toEqual(Array(10).fill({ ok: false, kind: 'invalidCredentials' }));
    }
    const user = await makeUser();
    const fresh = slash64.address();
    expectRateLimited(await passwordSignIn(user.email, user.password, ctx(fresh)));
    // The audit row keeps the full address, not the /64.
    expect((await auditRowsFromIp(fresh)).map((r) => r.detail)).toEqual([{ limiter: 'signInIp', count: 1 }]);

    // A neighbouring /64 (same /48) is another customer: not charged.
    const neighbour = `${nextSlash64(slash64.prefix)}:1:2:3:4`;
    expect(await passwordSignIn(user.email, user.password, ctx(neighbour))).toEqual({
      ok: true,
      userId: user.id,
      mfaRequired: false,
    });
  });
});

describe('races', () => {
  it('20 concurrent wrong guesses for one account from 20 IPs: exactly 5 are checked', async () => {
    const user = await makeUser();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => passwordSignIn(user.email, WRONG, ctx())),
    );
    expect(results.filter((r) => !r.ok && r.kind === 'invalidCredentials')).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.kind === 'rate_limited')).toHaveLength(15);
    expectRateLimited(await passwordSignIn(user.email, user.password, ctx()));
  });

  it('the right password among 20 concurrent guesses does not open a locked account', async () => {
    const user = await makeUser();
    await failTimes(5, user.email);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        passwordSignIn(user.email, i === 10 ? user.password : WRONG, ctx()),
      ),
    );
    expect(results.some((r) => r.ok)).toBe(false);
  });
});
