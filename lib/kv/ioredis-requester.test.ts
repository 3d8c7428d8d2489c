import { createHash } from 'node:crypto';
import { Ratelimit } from '@upstash/ratelimit';
import { errors, Redis } from '@upstash/redis';
import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pinClockToMidWindow, sleep, uniqueId } from '@/tests/helpers';
import { type KvTarget, kvSemantics } from '@/tests/kv-semantics';
import { IORedisRequester } from './ioredis-requester';

const REDIS_URL = process.env.REDIS_URL;
const SHEBANG = '#!lua flags=allow-key-locking\n';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

// These talk to a real Redis server; without REDIS_URL there is none to talk to (the in-process
// store is covered by memory-redis.test.ts). Run with REDIS_URL=redis://127.0.0.1:6379.
describe.skipIf(!REDIS_URL)('IORedisRequester against a real Redis', () => {
  let client: IORedis;
  let target: KvTarget;

  beforeAll(async () => {
    client = new IORedis(REDIS_URL as string);
    await client.ping();
    target = { redis: new Redis(new IORedisRequester(client)), advance: sleep };
  });

  afterAll(() => {
    client.disconnect();
  });

  kvSemantics(() => target);

  describe('Upstash script flags', () => {
    it('stock Redis refuses the allow-key-locking flag (why the requester strips it)', async () => {
      await expect(client.eval(`${SHEBANG}return 1`, 0)).rejects.toThrow();
    });

    it('runs a script with the #!lua flags=allow-key-locking shebang through EVAL', async () => {
      const { redis } = target;
      const k = uniqueId('latchkey:test:eval');
      const script = `${SHEBANG}redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])`;
      expect(await redis.eval(script, [k], ['value'])).toBe('value');
    });

    it('answers EVALSHA of the original hash once the script has been run', async () => {
      // A fresh requester: it has not seen the script, so EVALSHA of the original hash is unknown.
      const redis = new Redis(new IORedisRequester(client));
      const script = `${SHEBANG}return ARGV[1] .. '${uniqueId('s')}'`;
      await expect(redis.evalsha(sha1(script), [], ['x'])).rejects.toThrow(/NOSCRIPT/);
      const viaEval = await redis.eval(script, [], ['x']);
      expect(await redis.evalsha(sha1(script), [], ['x'])).toBe(viaEval);
    });

    it('lets @upstash/ratelimit use EVALSHA after its first EVAL', async () => {
      const requesterClient = new IORedis(REDIS_URL as string);
      // Five attempts in one fixed hour window: the last two are refused only if none crosses an hour.
      pinClockToMidWindow(60 * 60_000, false);
      try {
        const call = vi.spyOn(requesterClient, 'call');
        const rl = new Ratelimit({
          redis: new Redis(new IORedisRequester(requesterClient)),
          limiter: Ratelimit.fixedWindow(3, '1 h'),
          prefix: uniqueId('latchkey:test:rl'),
          timeout: 0,
          ephemeralCache: false,
          analytics: false,
        });
        const results = [];
        for (let i = 0; i < 5; i++) results.push((await rl.limit('id')).success);
        expect(results).toEqual([true, true, true, false, false]);
        const names = call.mock.calls.map((c) => String(c[0]).toLowerCase());
        expect(names.filter((n) => n === 'eval')).toHaveLength(1);
        expect(names.filter((n) => n === 'evalsha')).toHaveLength(5);
      } finally {
        vi.useRealTimers();
        requesterClient.disconnect();
      }
    });
  });

  describe('reply shapes', () => {
    it('HGETALL comes back as the object @upstash/redis builds from the flat list', async () => {
      const { redis } = target;
      const k = uniqueId('latchkey:test:hash');
      await redis.hset(k, { name: 'alice', attempts: 3, meta: { a: 1 } });
      expect(await redis.hgetall(k)).toEqual({ name: 'alice', attempts: 3, meta: { a: 1 } });
      expect(await redis.hgetall(uniqueId('latchkey:test:none'))).toBeNull();
    });

    it('HGETALL inside a pipeline has the same shape', async () => {
      const { redis } = target;
      const k = uniqueId('latchkey:test:hash');
      const [, all] = await redis.pipeline().hset(k, { a: 'x', b: 2 }).hgetall(k).exec();
      expect(all).toEqual({ a: 'x', b: 2 });
    });

    it('returns a Redis error reply (WRONGTYPE, ERR) as an error, and keeps working', async () => {
      const { redis } = target;
      const k = uniqueId('latchkey:test:hash');
      await redis.hset(k, { a: 1 });
      await expect(redis.get(k)).rejects.toThrow(/WRONGTYPE/);
      // An answer, like Upstash's: not the raw ioredis ReplyError, which would read as a fault.
      await expect(redis.get(k)).rejects.toBeInstanceOf(errors.UpstashError);
      await expect(redis.incr(k)).rejects.toThrow(/WRONGTYPE/);
      await expect(redis.eval('return redis.call("NOPE")', [], [])).rejects.toThrow(
        /ERR|Unknown Redis command/i,
      );
      expect(await redis.ping()).toBe('PONG');
    });
  });
});

describe('IORedisRequester when Redis is unreachable', () => {
  it('throws a connection fault instead of answering (so callers can fall back)', async () => {
    // Port 6390: nothing listens there; no retries and no offline queue, as lib/kv configures.
    const client = new IORedis('redis://127.0.0.1:6390', {
      enableOfflineQueue: false,
      lazyConnect: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      const redis = new Redis(new IORedisRequester(client));
      await expect(redis.get('anything')).rejects.toThrow();
      await expect(redis.pipeline().get('a').get('b').exec()).rejects.toThrow();
    } finally {
      client.disconnect();
    }
  });
});
