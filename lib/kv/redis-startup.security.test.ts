import IORedis from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { consume } from '@/lib/rate-limit';
import { closeStore, FIFTEEN_MINUTES, pinClockToMidWindow, uniqueId } from '@/tests/helpers';
import { store } from './index';

vi.hoisted(() => {
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
});

const REDIS_URL = process.env.REDIS_URL;

/**
 * The first requests a freshly started instance serves must already use the configured Redis.
 * With several instances, counts kept per instance during start-up (or reconnects) add up to
 * more than the limit.
 * These tests must be the first use of store() in their process: keep them in this file alone.
 */
// Needs a real Redis server (REDIS_URL=redis://127.0.0.1:6379).
describe.skipIf(!REDIS_URL)('the REDIS_URL store right after start', () => {
  const inspector = REDIS_URL ? new IORedis(REDIS_URL) : undefined;
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

  afterAll(() => {
    vi.useRealTimers();
    inspector?.disconnect();
    closeStore();
    warn.mockRestore();
  });

  it('counts the very first rate-limit attempts in Redis', async () => {
    const id = uniqueId('cold');
    // The bucket is read before the attempts (a cold connection first): the same window for both.
    pinClockToMidWindow();
    const bucket = Math.floor(Date.now() / FIFTEEN_MINUTES);
    // Both are the first commands this process sends through store().
    const attempts = await Promise.allSettled([consume('signInAccount', id), consume('signInIp', id)]);
    expect(store().kind).toBe('redis');
    expect(attempts.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled']);
    expect.soft(await inspector?.get(`latchkey:rl:signInAccount:${id}:${bucket}`)).toBe('1');
    expect.soft(await inspector?.get(`latchkey:rl:signInIp:${id}:${bucket}`)).toBe('1');
    expect.soft(warn).not.toHaveBeenCalled();
  });
});
