import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { closeStore } from '@/tests/helpers';
import { GET } from './route';

// A configured Redis that is down: nothing listens on port 6390.
vi.hoisted(() => {
  process.env.REDIS_URL = 'redis://127.0.0.1:6390';
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
});

describe('GET /api/ready when the configured Redis is down', () => {
  let warn: MockInstance<typeof console.warn>;

  beforeAll(async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // Opened and migrated first, as instrumentation does before the server listens.
    await db();
  });

  afterAll(async () => {
    closeStore();
    await closeDb();
    warn.mockRestore();
  });

  it('answers 503 within about 2 s, naming the store with one word and no error text', async () => {
    const began = Date.now();
    const response = await GET();
    expect(Date.now() - began).toBeLessThan(2_500);
    expect(response.status).toBe(503);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body.status).toBe('unavailable');
    expect(body.checks.database).toBe('ok');
    expect(['error', 'timeout']).toContain(body.checks.store);
    expect(JSON.stringify(body)).not.toMatch(/6390|ECONNREFUSED|127\.0\.0\.1/);
    // The reason is logged, as one line.
    expect(
      warn.mock.calls.some((c) => String(c[0]).startsWith('latchkey: readiness check store failed:')),
    ).toBe(body.checks.store === 'error');
  });
});
