import { afterEach, describe, expect, it } from 'vitest';
import { GET } from './route';

describe('GET /api/health', () => {
  afterEach(() => {
    (globalThis as { __latchkeyDraining?: boolean }).__latchkeyDraining = undefined;
  });

  it('answers 200 {"status":"ok"}, not cached, even while draining (the process still runs)', async () => {
    for (const draining of [false, true]) {
      (globalThis as { __latchkeyDraining?: boolean }).__latchkeyDraining = draining;
      const response = GET();
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ status: 'ok' });
    }
  });
});
