import { Redis } from '@upstash/redis';
import IORedis from 'ioredis';
import { afterAll, describe, vi } from 'vitest';
import { IORedisRequester } from '@/lib/kv/ioredis-requester';
import { closeStore, waitForStore } from '@/tests/helpers';
import { rateLimitSemantics } from '@/tests/rate-limit-semantics';

vi.hoisted(() => {
  // REDIS_URL decides; an Upstash configuration would take precedence over it.
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
});

const REDIS_URL = process.env.REDIS_URL;

// Needs a real Redis server (REDIS_URL=redis://127.0.0.1:6379); the same suite runs against the
// in-process store in memory.security.test.ts on every run.
describe.skipIf(!REDIS_URL)('rate limits with Redis through REDIS_URL', () => {
  // A separate connection, to read the counters from the server itself.
  const inspector = REDIS_URL ? new IORedis(REDIS_URL) : undefined;
  const direct = inspector ? new Redis(new IORedisRequester(inspector)) : undefined;

  afterAll(() => {
    inspector?.disconnect();
    closeStore();
  });

  rateLimitSemantics({
    kind: 'redis',
    prepare: () => waitForStore(),
    counter: async (key) => (direct ? direct.get<number>(key) : null),
  });
});
