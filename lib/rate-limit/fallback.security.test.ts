import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { memoryStore } from '@/lib/kv';
import { closeStore, uniqueId } from '@/tests/helpers';
import { rateLimitSemantics } from '@/tests/rate-limit-semantics';
import { consume } from './index';

// A configured Redis that is down: nothing listens on port 6390.
vi.hoisted(() => {
  process.env.REDIS_URL = 'redis://127.0.0.1:6390';
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
});

describe('rate limits when the configured Redis is down', () => {
  let warn: MockInstance<typeof console.warn>;

  beforeAll(() => {
    // The fallback logs every failure; keep the test output readable (and check it is logged).
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  });

  afterAll(() => {
    closeStore();
    warn.mockRestore();
  });

  it('never fails open: 5 allowed, then refused, through the in-process fallback', async () => {
    const id = uniqueId('down');
    const results = [];
    for (let i = 0; i < 7; i++) results.push((await consume('signInAccount', id)).allowed);
    expect(results).toEqual([true, true, true, true, true, false, false]);
    expect(warn.mock.calls.some((c) => String(c[0]).includes('using the in-process limiter'))).toBe(true);
  });

  // The whole contract still holds, degraded to one instance; the counts are in the in-process store.
  rateLimitSemantics({
    kind: 'redis',
    counter: (key) => memoryStore().redis.get<number>(key),
  });
});
