import type { Sql } from 'postgres';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { guardedPostgres, QUERY_TIMEOUT_MS } from './guarded-postgres';
import { databaseKnownDown, resetHealth } from './health';

/**
 * A busy pool is not an outage: statements waiting for a free connection queue before their
 * deadline starts. A stand-in for postgres.js with one connection (it runs statements one at a
 * time, as postgres.js queues them) answers each after 60% of the deadline, so the third waits
 * longer than the deadline in all.
 */
function slowServer(answerAfterMs: number): Sql {
  let busyUntil = 0;
  return {
    options: { parsers: {}, serializers: {} },
    unsafe: () => {
      busyUntil = Math.max(Date.now(), busyUntil) + answerAfterMs;
      return new Promise((resolve) => setTimeout(() => resolve([{ ok: 1 }]), busyUntil - Date.now()));
    },
    end: async () => {},
  } as unknown as Sql;
}

afterEach(() => {
  vi.useRealTimers();
  resetHealth();
});

describe('the pool under load', () => {
  it('three statements on one connection, each answered in time, all succeed and nothing trips', async () => {
    vi.useFakeTimers();
    resetHealth();
    const { client } = guardedPostgres(() => slowServer(QUERY_TIMEOUT_MS * 0.6), 1);
    const outcomes = Array.from({ length: 3 }, () =>
      (client.unsafe('select 1') as unknown as Promise<unknown>).then(
        (rows) => rows,
        (error: Error) => error.name,
      ),
    );
    await vi.advanceTimersByTimeAsync(QUERY_TIMEOUT_MS * 2);
    expect(await Promise.all(outcomes)).toEqual([[{ ok: 1 }], [{ ok: 1 }], [{ ok: 1 }]]);
    expect(databaseKnownDown()).toBe(false);
  });
});
