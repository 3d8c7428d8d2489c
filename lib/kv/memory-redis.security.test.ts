import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRedis } from './memory-redis';

/**
 * Memory exhaustion of the in-process store: expired keys used to leave only when read, so every
 * distinct id ever counted (one per IP, per address tried) stayed for good. 100,000 ids left
 * 100,010 keys and 26 MB an hour later. Now they leave by themselves, read or not.
 */
beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2030, 0, 1, 12, 7, 30) });
});

afterEach(() => {
  vi.useRealTimers();
});

function memoryStore() {
  const memory = new MemoryRedis();
  return { memory, redis: new Redis(memory) };
}

describe('expired keys leave the store without being read', () => {
  it('keys given a deadline by SET PX, SET EX, PEXPIRE and EXPIRE go after it; keys without one stay', async () => {
    const { memory, redis } = memoryStore();
    await redis.set('px', 'v', { px: 1_500 });
    await redis.set('ex', 'v', { ex: 2 });
    await redis.set('pexpire', 'v');
    await redis.pexpire('pexpire', 2_500);
    await redis.incr('expire');
    await redis.expire('expire', 3);
    await redis.set('forever', 'v');
    await redis.set('later', 'v', { ex: 3_600 });
    expect(memory.size).toBe(6);

    // The sweep runs every second: each key goes within a second of its deadline, none read.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(memory.size).toBe(6);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(memory.size).toBe(4);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(memory.size).toBe(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(memory.size).toBe(2);
    expect([await redis.get('forever'), await redis.get('later')]).toEqual(['v', 'v']);
  });

  it('a deadline moved later, a key deleted or set again without one: the old deadline removes nothing', async () => {
    const { memory, redis } = memoryStore();
    await redis.set('extended', 'v', { px: 1_000 });
    await redis.pexpire('extended', 10_000);
    await redis.set('persisted', 'v', { px: 1_000 });
    await redis.set('persisted', 'again');
    await redis.set('recreated', 'v', { px: 1_000 });
    await redis.del('recreated');
    await redis.incr('recreated');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(memory.size).toBe(3);
    expect(await redis.pttl('extended')).toBe(7_000);

    await vi.advanceTimersByTimeAsync(8_000);
    expect(memory.size).toBe(2);
    expect(await redis.get('persisted')).toBe('again');
    expect(await redis.get('recreated')).toBe(1);
  });

  it('20,000 distinct ids counted by the real rate limiter are all gone once their window passes', async () => {
    const { memory, redis } = memoryStore();
    const limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.fixedWindow(50, '15 m'),
      prefix: 'rl',
      timeout: 0,
      ephemeralCache: false,
      analytics: false,
    });
    for (let i = 0; i < 20_000; i++) await limiter.limit(`id-${i}`);
    await redis.set('unexpiring', 'v');
    expect(memory.size).toBe(20_001);

    await vi.advanceTimersByTimeAsync(15 * 60_000 + 1_000);
    expect(memory.size).toBe(1);
  });
});
