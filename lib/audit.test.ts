import { describe, expect, it } from 'vitest';
import { ctx, sleep, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration } from '@/tests/integration';
import { recentEvents, recordEvent } from './audit';

setupIntegration();

describe('recordEvent', () => {
  it('stores the event with its context and an empty detail by default', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    await recordEvent('sign_out', ctx(ip, 'Edge/140'), { userId: user.id });
    const rows = await auditRowsFromIp(ip);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: 'sign_out',
      userId: user.id,
      ipAddress: ip,
      userAgent: 'Edge/140',
      detail: {},
    });
    expect(rows[0]?.createdAt).toBeInstanceOf(Date);
  });

  it('stores an event about no known account', async () => {
    const ip = uniqueIp();
    await recordEvent('sign_in_failure', ctx(ip, null), { detail: { reason: 'unknown_email' } });
    expect(await auditRowsFromIp(ip)).toMatchObject([
      { type: 'sign_in_failure', userId: null, userAgent: null, detail: { reason: 'unknown_email' } },
    ]);
  });

  it('keeps an event about an account deleted a moment earlier, without its id', async () => {
    const ip = uniqueIp();
    await recordEvent('mfa_verify_failure', ctx(ip), { userId: '00000000-0000-4000-8000-000000000000' });
    expect(await auditRowsFromIp(ip)).toMatchObject([{ type: 'mfa_verify_failure', userId: null }]);
  });

  it('round-trips detail values of every allowed type', async () => {
    const ip = uniqueIp();
    const detail = { limiter: 'signInIp', count: 3, remembered: false };
    await recordEvent('sign_in_rate_limited', ctx(ip), { detail });
    expect((await auditRowsFromIp(ip))[0]?.detail).toEqual(detail);
  });
});

describe('recentEvents', () => {
  it("returns one account's events, newest first, up to the limit", async () => {
    const [user, other] = await Promise.all([makeUser(), makeUser()]);
    const types = ['sign_in_failure', 'sign_in_success', 'session_revoked', 'sign_out'] as const;
    // Events are stamped to the millisecond: a pause before each (makeUser's 'registered'
    // included) so no two share a stamp and "newest first" has one answer.
    for (const type of types) {
      await sleep(5);
      await recordEvent(type, ctx(), { userId: user.id });
    }
    await recordEvent('sign_in_success', ctx(), { userId: other.id });

    const events = await recentEvents(user.id);
    // makeUser's 'registered' event is the oldest.
    expect(events.map((e) => e.type)).toEqual([
      'sign_out',
      'session_revoked',
      'sign_in_success',
      'sign_in_failure',
      'registered',
    ]);
    expect((await recentEvents(user.id, 2)).map((e) => e.type)).toEqual(['sign_out', 'session_revoked']);
    expect(Object.keys(events[0] ?? {}).sort()).toEqual([
      'createdAt',
      'detail',
      'id',
      'ipAddress',
      'type',
      'userAgent',
    ]);
  });

  it('returns nothing for an account without events', async () => {
    expect(await recentEvents('00000000-0000-4000-8000-000000000000')).toEqual([]);
  });
});
