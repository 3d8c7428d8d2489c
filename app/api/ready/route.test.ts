import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { closeStore } from '@/tests/helpers';
import { GET } from './route';

// The configured database and store (PGlite and the in-process store by default; DATABASE_URL and
// REDIS_URL switch them to the real services).
describe('GET /api/ready', () => {
  afterEach(() => {
    (globalThis as { __latchkeyDraining?: boolean }).__latchkeyDraining = undefined;
  });
  // Opened and migrated first, as instrumentation does before the server listens: an embedded
  // database migrating keeps the event loop busy for seconds.
  beforeAll(() => db());
  afterAll(async () => {
    closeStore();
    await closeDb();
  });

  it('answers 200 when the database and the store answer', async () => {
    const response = await GET();
    expect(await response.json()).toEqual({ status: 'ok', checks: { database: 'ok', store: 'ok' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('answers 503 while the server drains, though both still answer', async () => {
    (globalThis as { __latchkeyDraining?: boolean }).__latchkeyDraining = true;
    const response = await GET();
    expect(response.status).toBe(503);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'unavailable', checks: { server: 'draining' } });
  });
});
