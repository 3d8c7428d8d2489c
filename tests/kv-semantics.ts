import { Ratelimit } from '@upstash/ratelimit';
import { errors, type Redis } from '@upstash/redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pinClockToMidWindow, uniqueId } from './helpers';

/**
 * What lib/ relies on from the key-value store, written once and run against every store
 * (lib/kv/memory-redis.test.ts, lib/kv/ioredis-requester.test.ts): the in-process stand-in must
 * behave like Redis as seen through @upstash/redis, or the embedded default would test something
 * production does not run.
 */
export type KvTarget = {
  redis: Redis;
  /** Let `ms` pass for the store's expiry clock (a fake clock, or real waiting). */
  advance: (ms: number) => Promise<void>;
};

const HOUR = 60 * 60_000;

export function kvSemantics(target: () => KvTarget): void {
  const key = (tag: string) => uniqueId(`latchkey:test:${tag}`);

  describe('strings', () => {
    it('get of a missing key is null', async () => {
      expect(await target().redis.get(key('missing'))).toBeNull();
    });

    it('set then get returns the value; objects round-trip as JSON', async () => {
      const { redis } = target();
      const k = key('set');
      expect(await redis.set(k, 'hello')).toBe('OK');
      expect(await redis.get(k)).toBe('hello');
      await redis.set(k, { userId: 'u1', remember: true });
      expect(await redis.get(k)).toEqual({ userId: 'u1', remember: true });
    });

    it('set with nx does not overwrite an existing value', async () => {
      const { redis } = target();
      const k = key('nx');
      expect(await redis.set(k, 'first', { nx: true })).toBe('OK');
      expect(await redis.set(k, 'second', { nx: true })).toBeNull();
      expect(await redis.get(k)).toBe('first');
    });

    it('set with px expires the value', async () => {
      const { redis, advance } = target();
      const long = key('px-long');
      await redis.set(long, 'v', { px: 60_000 });
      const ttl = await redis.pttl(long);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      expect(await redis.get(long)).toBe('v');

      const short = key('px-short');
      await redis.set(short, 'v', { px: 50 });
      await advance(150);
      expect(await redis.get(short)).toBeNull();
      expect(await redis.exists(short)).toBe(0);
    });

    it('getdel returns the value once, then null (single use)', async () => {
      const { redis } = target();
      const k = key('getdel');
      await redis.set(k, 'ticket');
      expect(await redis.getdel(k)).toBe('ticket');
      expect(await redis.getdel(k)).toBeNull();
      expect(await redis.get(k)).toBeNull();
    });

    it('getdel under 20 concurrent callers hands the value to exactly one', async () => {
      const { redis } = target();
      const k = key('getdel-race');
      await redis.set(k, 'ticket');
      const results = await Promise.all(Array.from({ length: 20 }, () => redis.getdel(k)));
      expect(results.filter((r) => r !== null)).toEqual(['ticket']);
    });

    it('del and exists count keys', async () => {
      const { redis } = target();
      const [a, b] = [key('a'), key('b')];
      await redis.set(a, 1);
      await redis.set(b, 2);
      expect(await redis.exists(a, b, key('none'))).toBe(2);
      expect(await redis.del(a, key('none'))).toBe(1);
      expect(await redis.exists(a, b)).toBe(1);
    });
  });

  describe('counters and expiry', () => {
    it('incr and incrby count from zero', async () => {
      const { redis } = target();
      const k = key('incr');
      expect(await redis.incr(k)).toBe(1);
      expect(await redis.incr(k)).toBe(2);
      expect(await redis.incrby(k, 5)).toBe(7);
      expect(await redis.incrby(k, -10)).toBe(-3);
      expect(await redis.get(k)).toBe(-3);
    });

    it('incr of a non-integer value is an error, not a reset', async () => {
      const { redis } = target();
      const k = key('incr-bad');
      await redis.set(k, 'abc');
      await expect(redis.incr(k)).rejects.toThrow(/not an integer/);
      // Refused commands surface as Upstash's own error type, whatever the store.
      await expect(redis.incr(k)).rejects.toBeInstanceOf(errors.UpstashError);
      expect(await redis.get(k)).toBe('abc');
    });

    it('incr keeps an existing expiry', async () => {
      const { redis } = target();
      const k = key('incr-ttl');
      await redis.incr(k);
      await redis.pexpire(k, 60_000);
      await redis.incr(k);
      const ttl = await redis.pttl(k);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('pexpire sets an expiry on an existing key and answers 0 for a missing one', async () => {
      const { redis, advance } = target();
      const k = key('pexpire');
      await redis.set(k, 'v');
      expect(await redis.pttl(k)).toBe(-1);
      expect(await redis.pexpire(k, 50)).toBe(1);
      expect(await redis.pexpire(key('none'), 50)).toBe(0);
      expect(await redis.pttl(key('none'))).toBe(-2);
      await advance(150);
      expect(await redis.get(k)).toBeNull();
      expect(await redis.pttl(k)).toBe(-2);
    });
  });

  describe('batches', () => {
    it('runs a pipeline and a transaction in order', async () => {
      const { redis } = target();
      const k = key('batch');
      expect(await redis.pipeline().set(k, 1).incr(k).get(k).exec()).toEqual(['OK', 2, 2]);
      expect(await redis.multi().incr(k).incr(k).exec()).toEqual([3, 4]);
    });

    it('reports a failing command in a batch as an error', async () => {
      const { redis } = target();
      const k = key('batch-bad');
      await expect(redis.pipeline().set(k, 'abc').incr(k).exec()).rejects.toThrow(/not an integer/);
      const kept = await redis.pipeline().set(k, 'abc').incr(k).get(k).exec({ keepErrors: true });
      expect(kept[0]?.result).toBe('OK');
      expect(kept[1]?.error).toMatch(/not an integer/);
      expect(kept[2]?.result).toBe('abc');
    });
  });

  describe('scripts', () => {
    it('evalsha of an unknown script answers NOSCRIPT (so callers fall back to EVAL)', async () => {
      await expect(target().redis.evalsha('0'.repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
    });

    describe('the real @upstash/ratelimit fixed window', () => {
      // Buckets are aligned to the epoch; pin the clock mid-hour so no test straddles one.
      afterEach(() => {
        vi.useRealTimers();
      });

      function limiter() {
        return new Ratelimit({
          redis: target().redis,
          limiter: Ratelimit.fixedWindow(3, '1 h'),
          prefix: uniqueId('latchkey:test:rl'),
          timeout: 0,
          ephemeralCache: false,
          analytics: false,
        });
      }

      it('allows the limit, then refuses until the end of the window', async () => {
        const now = pinClockToMidWindow(HOUR, false);
        const rl = limiter();
        const results = [];
        for (let i = 0; i < 4; i++) results.push(await rl.limit('id'));
        expect(results.map((r) => r.success)).toEqual([true, true, true, false]);
        expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
        expect(results[3]?.reset).toBe(now + HOUR / 2);
      });

      it('gives an attempt back with rate -1', async () => {
        pinClockToMidWindow(HOUR, false);
        const rl = limiter();
        for (let i = 0; i < 3; i++) await rl.limit('id');
        await rl.limit('id', { rate: -1 });
        expect((await rl.limit('id')).success).toBe(true);
        expect((await rl.limit('id')).success).toBe(false);
      });

      it('reports remaining tokens and resets them', async () => {
        pinClockToMidWindow(HOUR, false);
        const rl = limiter();
        await rl.limit('id');
        expect((await rl.getRemaining('id')).remaining).toBe(2);
        for (let i = 0; i < 3; i++) await rl.limit('id');
        expect((await rl.limit('id')).success).toBe(false);
        await rl.resetUsedTokens('id');
        expect((await rl.getRemaining('id')).remaining).toBe(3);
        expect((await rl.limit('id')).success).toBe(true);
      });

      it('opens a fresh window when the clock passes the boundary', async () => {
        pinClockToMidWindow(HOUR, false);
        const rl = limiter();
        for (let i = 0; i < 4; i++) await rl.limit('id');
        vi.setSystemTime(Date.now() + HOUR);
        expect((await rl.limit('id')).success).toBe(true);
      });

      it("lets a window's counter expire with the window (no key is kept forever)", async () => {
        const now = pinClockToMidWindow(HOUR, false);
        const prefix = uniqueId('latchkey:test:rl');
        const rl = new Ratelimit({
          redis: target().redis,
          limiter: Ratelimit.fixedWindow(3, '1 h'),
          prefix,
          timeout: 0,
          ephemeralCache: false,
          analytics: false,
        });
        await rl.limit('id');
        await rl.limit('id');
        const ttl = await target().redis.pttl(`${prefix}:id:${Math.floor(now / HOUR)}`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(HOUR);
      });

      it('counts identifiers separately', async () => {
        pinClockToMidWindow(HOUR, false);
        const rl = limiter();
        for (let i = 0; i < 4; i++) await rl.limit('a');
        expect((await rl.limit('b')).success).toBe(true);
      });
    });
  });
}
