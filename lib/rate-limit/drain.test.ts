import { like } from 'drizzle-orm';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { limiterFallback } from '@/lib/db/schema';
import { pinClockToMidWindow, uniqueId } from '@/tests/helpers';
import { type Drained, drainFallback, fallbackLimit, fallbackStartLock } from './fallback';

const WINDOW = 15 * 60_000;
const rows = async () =>
  Object.fromEntries((await (await db()).select().from(limiterFallback)).map((r) => [r.key, r.count]));

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await closeDb();
});

describe('handing the database fallback back to the store', () => {
  it('hands over counts and locks (ids with colons intact), keeps live rows, drops expired ones', async () => {
    // The counts and the bucket read below must fall in one 15-minute window.
    pinClockToMidWindow();
    const [a, b] = [uniqueId('a'), `2001:db8:${uniqueId('b')}::/64`];
    for (let i = 0; i < 3; i++) await fallbackLimit('signInAccount', a, 5, WINDOW);
    await fallbackLimit('signInIp', b, 50, WINDOW);
    await fallbackStartLock('signInAccount', a, 60_000);
    const stale = uniqueId('stale');
    await (await db())
      .insert(limiterFallback)
      .values({ key: `lock:signInAccount:${stale}`, expiresAt: new Date(Date.now() - 1) });

    const handed: Drained[] = [];
    expect(await drainFallback(async (batch) => void handed.push(...batch))).toBeGreaterThanOrEqual(3);
    expect(handed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'count', name: 'signInAccount', id: a, count: 3 }),
        expect.objectContaining({ kind: 'count', name: 'signInIp', id: b, count: 1 }),
        expect.objectContaining({ kind: 'lock', name: 'signInAccount', id: a }),
      ]),
    );
    expect(handed.some((row) => row.id === stale)).toBe(false);
    // Live rows stay until they expire: the next outage goes on from them (no fresh budget).
    const bucket = Math.floor(Date.now() / WINDOW);
    const left = await rows();
    expect(left[`rl:signInAccount:${a}:${bucket}`]).toBe(3);
    expect(left[`lock:signInAccount:${a}`]).toBe(0);
    expect(Object.keys(left)).not.toContain(`lock:signInAccount:${stale}`);
    expect(await fallbackLimit('signInAccount', a, 5, WINDOW)).toMatchObject({ remaining: 1 });
  });

  it('a refund never creates a row (a flood of refused requests leaves nothing behind)', async () => {
    const id = uniqueId('refund');
    expect(await fallbackLimit('signInAccount', id, 5, WINDOW, -1)).toMatchObject({
      success: true,
      remaining: 5,
    });
    // Rows about this id only: against PostgreSQL, files running alongside (the store-outage
    // tests) write and drop their own rows in the same table, so a count of the whole table moves.
    const own = await (await db())
      .select()
      .from(limiterFallback)
      .where(like(limiterFallback.key, `%${id}%`));
    expect(own).toEqual([]);
  });
});
