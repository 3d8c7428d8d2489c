import 'server-only';
import { store } from '@/lib/kv';

/**
 * The second step's lock. The `mfaAccount` limiter counts failures in fixed 15-minute windows;
 * the failure that uses the last attempt locks the step for a full 15 minutes from then,
 * whenever in the window it came (so 20 guesses cannot straddle a window edge).
 */
const SECOND_FACTOR_LOCK_MS = 15 * 60 * 1000;
const lockKey = (userId: string) => `latchkey:mfa-lock:${userId}`;

/** When the account's second step opens again; null while it is not locked. */
export async function secondFactorLockedUntil(userId: string): Promise<number | null> {
  const until = Number(await store().redis.get<number | string>(lockKey(userId)));
  return Number.isFinite(until) && until > Date.now() ? until : null;
}

/** Lock the step; a lock already running keeps its end (NX). Returns when it ends. */
export async function lockSecondFactor(userId: string): Promise<number> {
  const until = Date.now() + SECOND_FACTOR_LOCK_MS;
  await store().redis.set(lockKey(userId), String(until), { px: SECOND_FACTOR_LOCK_MS, nx: true });
  return (await secondFactorLockedUntil(userId)) ?? until;
}
