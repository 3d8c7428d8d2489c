import { afterEach, describe, expect, it, vi } from 'vitest';
import { passwordSignIn } from '@/lib/auth/login';
import { ctx, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { auditRowsOfUser, freezeClock } from '@/tests/mfa';
import { recentEvents, recordEvent } from './audit';

setupIntegration();
afterEach(() => vi.useRealTimers());

describe("an attacker's refused sign-ins do not flood the owner's history", () => {
  it('20 wrong passwords from 20 addresses leave one row per kind, with how many', async () => {
    freezeClock();
    const user = await makeUser();
    for (let i = 0; i < 20; i++) await passwordSignIn(user.email, 'not the password', ctx(uniqueIp()));
    const rows = (await auditRowsOfUser(user.id)).filter((r) => r.type.startsWith('sign_in_'));
    expect(rows.map((r) => [r.type, r.detail.count]).sort()).toEqual([
      ['sign_in_failure', 5],
      ['sign_in_rate_limited', 15],
    ]);
  });

  it('a new row starts once 15 minutes have passed', async () => {
    freezeClock();
    const user = await makeUser();
    await recordEvent('sign_in_failure', ctx(), { userId: user.id, detail: { reason: 'wrong_password' } });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    await recordEvent('sign_in_failure', ctx(), { userId: user.id, detail: { reason: 'wrong_password' } });
    expect((await auditRowsOfUser(user.id)).filter((r) => r.type === 'sign_in_failure')).toHaveLength(2);
  });

  it("the owner's own changes stay in the recent list however much noise follows", async () => {
    freezeClock();
    const user = await makeUser();
    await recordEvent('password_changed', ctx(), { userId: user.id });
    // Noise that cannot be folded (a new 15-minute row each time) or is of other refusal kinds.
    for (let i = 0; i < 30; i++) {
      vi.setSystemTime(Date.now() + 16 * 60_000);
      await recordEvent('sign_in_failure', ctx(), { userId: user.id });
      await recordEvent('mfa_verify_failure', ctx(), { userId: user.id });
    }
    const recent = await recentEvents(user.id);
    expect(recent.map((e) => e.type)).toContain('password_changed');
    expect(recent.filter((e) => e.type !== 'password_changed' && e.type !== 'registered')).toHaveLength(5);
    // Newest first.
    const times = recent.map((e) => e.createdAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});
