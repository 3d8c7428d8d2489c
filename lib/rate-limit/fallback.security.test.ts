import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { limiterFallback } from '@/lib/db/schema';
import { memoryStore } from '@/lib/kv';
import { closeStore, pinClockToMidWindow, uniqueId } from '@/tests/helpers';
import { rateLimitSemantics } from '@/tests/rate-limit-semantics';
import { consume } from './index';

// A configured Redis that is down: nothing listens on port 6390.
vi.hoisted(() => {
  process.env.REDIS_URL = 'redis://127.0.0.1:6390';
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
});

/** A count the database fallback holds, under the store's key without its `latchkey:` prefix. */
async function fallbackCount(key: string): Promise<number | null> {
  const [row] = await (await db())
    .select({ count: limiterFallback.count })
    .from(limiterFallback)
    .where(eq(limiterFallback.key, key.replace(/^latchkey:/, '')));
  return row?.count ?? null;
}

describe('rate limits when the configured Redis is down', () => {
  let warn: MockInstance<typeof console.warn>;

  beforeAll(() => {
    // The fallback logs the failure; keep the test output readable (and check it is logged).
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    closeStore();
    await closeDb();
    warn.mockRestore();
  });

  it('never fails open: 5 allowed, then refused, counted in the database every instance shares', async () => {
    // The seven counts and the bucket read below must fall in one 15-minute window.
    pinClockToMidWindow();
    const id = uniqueId('down');
    const results = [];
    for (let i = 0; i < 7; i++) results.push((await consume('signInAccount', id)).allowed);
    expect(results).toEqual([true, true, true, true, true, false, false]);
    expect(warn.mock.calls.some((c) => String(c[0]).includes('the redis store failed'))).toBe(true);
    const bucket = Math.floor(Date.now() / (15 * 60_000));
    expect(await fallbackCount(`rl:signInAccount:${id}:${bucket}`)).toBe(7);
    // Not this process's memory: a second instance would not see that.
    expect(await memoryStore().redis.get(`latchkey:rl:signInAccount:${id}:${bucket}`)).toBeNull();
  });

  // The whole contract still holds, counted in the database.
  rateLimitSemantics({ kind: 'redis', counter: fallbackCount });
});
