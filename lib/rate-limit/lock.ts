import 'server-only';
import { store } from '@/lib/kv';

/**
 * A lock that a limiter's last attempt starts and that lasts its full time from then, whenever in
 * the limiter's fixed window the attempt came: without it, 5 guesses at the end of one window
 * and 5 at the start of the next fit in seconds (10 where the contract promises 5 per 15 minutes).
 */
const key = (name: string, id: string) => `latchkey:lock:${name}:${id}`;

/** When the lock on (name, id) ends; null while there is none. */
export async function lockedUntil(name: string, id: string): Promise<number | null> {
  const until = Number(await store().redis.get<number | string>(key(name, id)));
  return Number.isFinite(until) && until > Date.now() ? until : null;
}

/** Start the lock; one already running keeps its end (NX). */
export async function startLock(name: string, id: string, ms: number): Promise<void> {
  await store().redis.set(key(name, id), String(Date.now() + ms), { px: ms, nx: true });
}

/** End the lock at once (what was being guessed no longer exists: see clearAttempts). */
export async function endLock(name: string, id: string): Promise<void> {
  await store().redis.del(key(name, id));
}
