import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '@/lib/rate-limit';
import { ctx, nextSlash64, pinClockToMidWindow, uniqueEmail, uniqueIp, uniqueSlash64 } from '@/tests/helpers';
import { auditRowsFromIp, setupIntegration, usersWithEmail } from '@/tests/integration';
import { registerUser } from './register';

setupIntegration();

const PASSWORD = 'marble otter canyon 1987';
const HOUR = 60 * 60_000;

afterEach(() => {
  vi.useRealTimers();
});

describe('registration races and limits', () => {
  it('of 10 concurrent registrations of one email, exactly one succeeds', async () => {
    const email = uniqueEmail();
    const ip = uniqueIp();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => registerUser(email, PASSWORD, ctx(ip))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((r) => !r.ok)) expect(r).toMatchObject({ ok: false, field: 'email' });
    expect(await usersWithEmail(email)).toHaveLength(1);
    expect((await auditRowsFromIp(ip)).filter((r) => r.type === 'registered')).toHaveLength(1);
  });

  it(`allows ${LIMITS.register.tokens} registrations an hour from one IP (at least 20, for QA), then refuses, also under IPv6 rotation`, async () => {
    const now = pinClockToMidWindow(HOUR);
    // Half from one address, half from fresh addresses of its /64 (IPv6 rotation): one budget.
    const slash64 = uniqueSlash64();
    const ip = slash64.address();
    const results = [];
    for (let i = 0; i < LIMITS.register.tokens; i++)
      results.push(await registerUser(uniqueEmail(), PASSWORD, ctx(i % 2 ? slash64.address() : ip)));
    expect(results.filter((r) => r.ok)).toHaveLength(LIMITS.register.tokens);

    const email = uniqueEmail();
    const refused = await registerUser(email, PASSWORD, ctx(slash64.address()));
    expect(refused).toMatchObject({ ok: false, kind: 'rate_limited' });
    if (!refused.ok && 'retryAt' in refused) {
      expect(refused.retryAt).toBeGreaterThan(now);
      expect(refused.retryAt).toBeLessThanOrEqual(now + HOUR);
    }
    expect(await usersWithEmail(email)).toHaveLength(0);
    // Another address is not affected, nor the neighbouring /64.
    expect((await registerUser(uniqueEmail(), PASSWORD, ctx())).ok).toBe(true);
    const neighbour = `${nextSlash64(slash64.prefix)}::1`;
    expect((await registerUser(uniqueEmail(), PASSWORD, ctx(neighbour))).ok).toBe(true);
  });
});
