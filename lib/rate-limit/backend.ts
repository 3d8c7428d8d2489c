import 'server-only';
import type { Ratelimit } from '@upstash/ratelimit';
import {
  markFellBack,
  markStoreDown,
  memoryStore,
  type Store,
  store,
  storeUsable,
  takeFellBack,
  withTimeout,
} from '@/lib/kv';
import { describeFailure } from '@/lib/log';
import { type Drained, drainFallback } from './fallback';

/**
 * Where a count or a lock goes: the configured store; while it is down (it failed or timed out
 * within the last few seconds, or its connection is known lost), the database, which every
 * instance shares; only if that fails too, this process's memory. Never open. The embedded
 * default (no store configured) is the in-process store itself.
 */
export async function onStoreOrFallback<T>(
  onStore: (s: Store) => Promise<T>,
  onFallback: () => Promise<T>,
  writeBackTo: WriteBack,
): Promise<T> {
  const primary = store();
  if (primary.kind === 'memory') return onStore(primary);
  if (storeUsable(primary)) {
    try {
      await writeBack(primary, writeBackTo);
      return await withTimeout(onStore(primary));
    } catch (error) {
      markStoreDown(primary, error);
    }
  }
  try {
    const result = await onFallback();
    // Marked after the write: a hand-over that started meanwhile may have missed this row.
    markFellBack();
    return result;
  } catch (error) {
    console.warn(
      `latchkey: rate-limit fallback (database) failed, counting in-process: ${describeFailure(error)}`,
    );
    return onStore(memoryStore());
  }
}

/** How to put a drained count or lock into the store (./index.ts and ./lock.ts know the keys). */
export type WriteBack = {
  limiter: (s: Store, name: string) => Ratelimit | undefined;
  tokens: (name: string) => number | undefined;
  lockKey: (name: string, id: string) => string;
};

let draining: Promise<void> | undefined;

/**
 * The store is back (or this process just started): first hand it what the database counted
 * meanwhile, taking the higher count, so a lock or an exhausted window from the outage holds.
 * Concurrent callers wait for the same hand-over; a failure leaves the rows for the next try.
 */
async function writeBack(s: Store, to: WriteBack): Promise<void> {
  if (!draining && !takeFellBack()) return;
  draining ??= drainFallback((rows) => applyAll(s, rows, to))
    .then((n) => {
      if (n > 0) console.info(`latchkey: wrote ${n} count(s) and lock(s) from the outage back to the store`);
    })
    .catch((error: unknown) => {
      markFellBack();
      console.warn(
        `latchkey: could not write outage counts back to the store yet: ${describeFailure(error)}`,
      );
    })
    .finally(() => {
      draining = undefined;
    });
  await draining;
}

async function applyAll(s: Store, rows: Drained[], to: WriteBack): Promise<void> {
  const now = Date.now();
  for (const row of rows) {
    if (row.kind === 'lock') {
      const key = to.lockKey(row.name, row.id);
      const current = Number(await withTimeout(s.redis.get<number | string>(key)));
      if (!(current >= row.until)) {
        await withTimeout(s.redis.set(key, String(row.until), { px: Math.max(row.until - now, 1) }));
      }
      continue;
    }
    const limiter = to.limiter(s, row.name);
    const tokens = to.tokens(row.name);
    if (!limiter || tokens === undefined) continue;
    const { remaining, reset } = await withTimeout(limiter.getRemaining(row.id));
    // Another window by now: the outage's count no longer applies.
    if (reset !== row.reset) continue;
    const used = tokens - remaining;
    if (remaining > 0 && row.count > used) {
      await withTimeout(limiter.limit(row.id, { rate: row.count - used }));
    }
  }
}
