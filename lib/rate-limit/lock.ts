import 'server-only';
import { memoryStore, store, withTimeout } from '@/lib/kv';
import { describeFailure } from '@/lib/log';
import { onStoreOrFallback } from './backend';
import { fallbackEndLock, fallbackLockedUntil, fallbackStartLock } from './fallback';
import { writeBackTo } from './index';

/**
 * A lock that a limiter's last attempt starts and that lasts its full time from then, whenever in
 * the limiter's fixed window the attempt came: without it, 5 guesses at the end of one window
 * and 5 at the start of the next fit in seconds (10 where the contract promises 5 per 15 minutes).
 * Kept where the counts are: the store, or the database while the store is down (./backend.ts).
 */
export const lockKey = (name: string, id: string) => `latchkey:lock:${name}:${id}`;

/** When the lock on (name, id) ends; null while there is none. */
export async function lockedUntil(name: string, id: string): Promise<number | null> {
  const until = await onStoreOrFallback(
    async (s) => Number(await s.redis.get<number | string>(lockKey(name, id))),
    () => fallbackLockedUntil(name, id),
    writeBackTo,
  );
  return until !== null && Number.isFinite(until) && until > Date.now() ? until : null;
}

/**
 * Start the lock; one already running keeps its end (NX). With a remote store it is written to
 * the database as well (a lock is rare: one per exhausted budget), so that while the store is
 * down, or after it comes back empty, the lock taken before still holds.
 */
export async function startLock(name: string, id: string, ms: number): Promise<void> {
  await onStoreOrFallback(
    async (s) => {
      await s.redis.set(lockKey(name, id), String(Date.now() + ms), { px: ms, nx: true });
      if (s.kind !== 'memory') {
        await fallbackStartLock(name, id, ms).catch((error: unknown) =>
          console.warn(`latchkey: could not keep a lock in the database too: ${describeFailure(error)}`),
        );
      }
    },
    () => fallbackStartLock(name, id, ms),
    writeBackTo,
  );
}

/** End the lock at once, wherever it is held (what was being guessed no longer exists: clearAttempts). */
export async function endLock(name: string, id: string): Promise<void> {
  const primary = store();
  const work: Promise<unknown>[] = [withTimeout(primary.redis.del(lockKey(name, id)))];
  if (primary.kind !== 'memory') {
    work.push(fallbackEndLock(name, id), memoryStore().redis.del(lockKey(name, id)));
  }
  const results = await Promise.allSettled(work);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
