import type IORedis from 'ioredis';
import { afterAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { closeStore, store } from './index';

// A configured Redis (down: nothing listens on 6390; closing must not wait for it).
vi.hoisted(() => {
  process.env.REDIS_URL = 'redis://127.0.0.1:6390';
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
});

describe('closeStore', () => {
  const warn: MockInstance<typeof console.warn> = vi.spyOn(console, 'warn').mockImplementation(() => {});
  afterAll(() => warn.mockRestore());

  it('ends the REDIS_URL connection at once, and a later store() makes a new one', async () => {
    const first = store();
    expect(first.kind).toBe('redis');
    // @upstash/redis → IORedisRequester → ioredis: the connection shutdown must end.
    const client = (first.redis as unknown as { client: { client: IORedis } }).client.client;
    expect(client.status).not.toBe('end');
    await closeStore();
    await vi.waitFor(() => expect(client.status).toBe('end'), { timeout: 1_000 });
    const second = store();
    expect(second).not.toBe(first);
    await closeStore();
  });
});
