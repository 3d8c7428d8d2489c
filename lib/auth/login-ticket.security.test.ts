import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import { store } from '@/lib/kv';
import { ctx, sleep, uniqueIp } from '@/tests/helpers';
import { setupIntegration } from '@/tests/integration';
import { issueLoginTicket, redeemLoginTicket } from './login-ticket';

setupIntegration();

const ticketKey = (token: string) => `latchkey:ticket:${hashToken(token)}`;

describe('login tickets', () => {
  it('redeems to the payload it was issued with', async () => {
    const userId = randomUUID();
    const ip = uniqueIp();
    const token = await issueLoginTicket(userId, true, ctx(ip, 'Chrome/140'));
    expect(await redeemLoginTicket(token)).toEqual({
      userId,
      remember: true,
      mfaVerified: false,
      ip,
      userAgent: 'Chrome/140',
    });
  });

  it('carries whether the second factor was passed', async () => {
    const token = await issueLoginTicket(randomUUID(), false, ctx(uniqueIp()), true);
    expect((await redeemLoginTicket(token))?.mfaVerified).toBe(true);
  });

  it('keeps a null user agent', async () => {
    const token = await issueLoginTicket(randomUUID(), false, ctx(uniqueIp(), null));
    expect((await redeemLoginTicket(token))?.userAgent).toBeNull();
  });

  it('can be redeemed once only', async () => {
    const token = await issueLoginTicket(randomUUID(), false, ctx());
    expect(await redeemLoginTicket(token)).not.toBeNull();
    expect(await redeemLoginTicket(token)).toBeNull();
    expect(await redeemLoginTicket(token)).toBeNull();
  });

  it('20 concurrent redeems of one ticket: exactly one gets the payload', async () => {
    const userId = randomUUID();
    const token = await issueLoginTicket(userId, false, ctx());
    const results = await Promise.all(Array.from({ length: 20 }, () => redeemLoginTicket(token)));
    const redeemed = results.filter((r) => r !== null);
    expect(redeemed).toHaveLength(1);
    expect(redeemed[0]?.userId).toBe(userId);
  });

  it('is stored under the hash of the token, for at most 60 seconds', async () => {
    const token = await issueLoginTicket(randomUUID(), false, ctx());
    const { redis } = store();
    expect(await redis.get(`latchkey:ticket:${token}`)).toBeNull();
    const stored = await redis.get(ticketKey(token));
    expect(stored).not.toBeNull();
    expect(JSON.stringify(stored)).not.toContain(token);
    const ttl = await redis.pttl(ticketKey(token));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('cannot be redeemed after it expires', async () => {
    const token = await issueLoginTicket(randomUUID(), false, ctx());
    await store().redis.pexpire(ticketKey(token), 1);
    await sleep(20);
    expect(await redeemLoginTicket(token)).toBeNull();
  });

  it.each([
    ['undefined', undefined],
    ['a number', 42],
    ['an object', { token: 'x' }],
    ['an empty string', ''],
    ['a short string', 'abc'],
    ['an over-long string', 'A'.repeat(65)],
    ['a well-formed token that was never issued', randomToken()],
  ])('redeeming %s gives nothing', async (_label, token) => {
    expect(await redeemLoginTicket(token)).toBeNull();
  });

  it('a stored value that is not a valid payload gives nothing (and is spent)', async () => {
    const token = randomToken();
    await store().redis.set(ticketKey(token), JSON.stringify({ userId: 'not-a-uuid', remember: 'yes' }), {
      px: 60_000,
    });
    expect(await redeemLoginTicket(token)).toBeNull();
    expect(await store().redis.get(ticketKey(token))).toBeNull();
  });

  it('each ticket is distinct', async () => {
    const userId = randomUUID();
    const [a, b] = await Promise.all([
      issueLoginTicket(userId, false, ctx()),
      issueLoginTicket(userId, false, ctx()),
    ]);
    expect(a).not.toBe(b);
    expect(await redeemLoginTicket(a)).not.toBeNull();
    expect(await redeemLoginTicket(b)).not.toBeNull();
  });
});
