import { Redis } from '@upstash/redis';
import { describe, expect, it } from 'vitest';
import { type KvTarget, kvSemantics } from '@/tests/kv-semantics';
import { MemoryRedis } from './memory-redis';

/** A MemoryRedis on a fake clock, spoken to through @upstash/redis as lib/kv does. */
function fakeClockStore(): KvTarget & { clock: { now: number } } {
  const clock = { now: Date.UTC(2030, 0, 1, 12) };
  const redis = new Redis(new MemoryRedis({ now: () => clock.now }));
  return {
    redis,
    clock,
    advance: async (ms) => {
      clock.now += ms;
    },
  };
}

describe('MemoryRedis through @upstash/redis', () => {
  let current = fakeClockStore();
  kvSemantics(() => current);

  describe('in-process specifics', () => {
    it('expires exactly at the deadline of its clock', async () => {
      current = fakeClockStore();
      const { redis, clock } = current;
      await redis.set('k', 'v', { px: 1_000 });
      clock.now += 999;
      expect(await redis.get('k')).toBe('v');
      expect(await redis.pttl('k')).toBe(1);
      clock.now += 1;
      expect(await redis.get('k')).toBeNull();
    });

    it('supports ex and expire in seconds', async () => {
      current = fakeClockStore();
      const { redis, clock } = current;
      await redis.set('a', 'v', { ex: 2 });
      await redis.set('b', 'v');
      await redis.expire('b', 2);
      clock.now += 1_999;
      expect(await redis.exists('a', 'b')).toBe(2);
      clock.now += 1;
      expect(await redis.exists('a', 'b')).toBe(0);
    });

    it('a getdel of an expired value returns null', async () => {
      current = fakeClockStore();
      const { redis, clock } = current;
      await redis.set('ticket', 'v', { px: 60_000 });
      clock.now += 60_000;
      expect(await redis.getdel('ticket')).toBeNull();
    });

    it('an expired counter starts again from zero', async () => {
      current = fakeClockStore();
      const { redis, clock } = current;
      await redis.incr('c');
      await redis.incr('c');
      await redis.pexpire('c', 10);
      clock.now += 10;
      expect(await redis.incr('c')).toBe(1);
      expect(await redis.pttl('c')).toBe(-1);
    });

    it('refuses a script it does not know instead of pretending it ran', async () => {
      const { redis } = fakeClockStore();
      await expect(redis.eval('return 1', [], [])).rejects.toThrow(/not supported/);
      await expect(redis.eval("return redis.call('SET', KEYS[1], 'x')", ['k'], [])).rejects.toThrow();
      expect(await redis.get('k')).toBeNull();
    });

    it('refuses a command it does not implement', async () => {
      const { redis } = fakeClockStore();
      await expect(redis.hset('h', { a: 1 })).rejects.toThrow(/unknown command/);
      await expect(redis.lpush('l', 'a')).rejects.toThrow(/unknown command/);
    });

    it('refuses a SET option it does not implement instead of ignoring it', async () => {
      const { redis } = fakeClockStore();
      await redis.set('k', 'old');
      await expect(redis.set('k', 'new', { xx: true })).rejects.toThrow(/unsupported SET option/);
      await expect(redis.set('k', 'new', { get: true })).rejects.toThrow(/unsupported SET option/);
      expect(await redis.get('k')).toBe('old');
    });

    it('keeps separate instances apart', async () => {
      const a = fakeClockStore().redis;
      const b = fakeClockStore().redis;
      await a.set('k', 'a');
      expect(await b.get('k')).toBeNull();
    });
  });
});
