import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { limiterFallback } from '@/lib/db/schema';
import { store } from '@/lib/kv';
import { FIFTEEN_MINUTES, pinClockToMidWindow, uniqueId } from '@/tests/helpers';
import { consume } from './index';

vi.hoisted(() => {
  delete process.env.REDIS_URL;
});

/**
 * A store that accepts connections and never answers (an overloaded or half-dead Upstash).
 * @upstash/ratelimit's own timeout would let such requests through; ours must fall back to the
 * in-process limiter instead, so the limit still holds.
 */
describe('rate limits when the configured Upstash store hangs', () => {
  let server: Server;
  let warn: MockInstance<typeof console.warn>;

  beforeAll(async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    server = createServer(() => {
      // Never respond.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Set before the first env() call in this process (env() caches).
    process.env.UPSTASH_REDIS_REST_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.UPSTASH_REDIS_REST_TOKEN = 'test-token';
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    warn.mockRestore();
    vi.useRealTimers();
    await closeDb();
  });

  it('is configured as Upstash', () => {
    expect(store().kind).toBe('upstash');
  });

  it('never fails open: of 7 concurrent attempts, exactly 5 are allowed', async () => {
    const now = pinClockToMidWindow();
    const id = uniqueId('hung');
    const attempts = await Promise.all(Array.from({ length: 7 }, () => consume('signInAccount', id)));
    expect(attempts.filter((a) => a.allowed)).toHaveLength(5);
    expect(warn.mock.calls.some((c) => String(c[0]).includes('the upstash store failed'))).toBe(true);

    // The attempts were counted in the database fallback, and a refund goes back to it.
    const key = `rl:signInAccount:${id}:${Math.floor(now / FIFTEEN_MINUTES)}`;
    const count = async () =>
      (await (await db()).select().from(limiterFallback).where(eq(limiterFallback.key, key)))[0]?.count;
    expect(await count()).toBe(7);
    const allowed = attempts.find((a) => a.allowed);
    if (allowed?.allowed) await allowed.refund();
    expect(await count()).toBe(6);
  });
});
