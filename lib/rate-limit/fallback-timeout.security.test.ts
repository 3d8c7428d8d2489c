import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { memoryStore, store } from '@/lib/kv';
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
  });

  it('is configured as Upstash', () => {
    expect(store().kind).toBe('upstash');
  });

  it('never fails open: of 7 concurrent attempts, exactly 5 are allowed', async () => {
    const now = pinClockToMidWindow();
    const id = uniqueId('hung');
    const attempts = await Promise.all(Array.from({ length: 7 }, () => consume('signInAccount', id)));
    expect(attempts.filter((a) => a.allowed)).toHaveLength(5);
    expect(warn.mock.calls.some((c) => String(c[0]).includes('store (upstash) failed'))).toBe(true);

    // The attempts were counted by the in-process store, and a refund goes back to it.
    const key = `latchkey:rl:signInAccount:${id}:${Math.floor(now / FIFTEEN_MINUTES)}`;
    expect(await memoryStore().redis.get(key)).toBe(7);
    const allowed = attempts.find((a) => a.allowed);
    if (allowed?.allowed) await allowed.refund();
    expect(await memoryStore().redis.get(key)).toBe(6);
  });
});
