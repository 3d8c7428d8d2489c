import 'server-only';
import { lockedUntil, startLock } from './lock';

/**
 * The second step's lock. The `mfaAccount` limiter counts failures in fixed 15-minute windows;
 * the failure that uses the last attempt locks the step for a full 15 minutes from then,
 * whenever in the window it came (so 20 guesses cannot straddle a window edge).
 */
const SECOND_FACTOR_LOCK_MS = 15 * 60 * 1000;

/** When the account's second step opens again; null while it is not locked. */
export function secondFactorLockedUntil(userId: string): Promise<number | null> {
  return lockedUntil('mfaAccount', userId);
}

/** Lock the step; a lock already running keeps its end. Returns when it ends. */
export async function lockSecondFactor(userId: string): Promise<number> {
  await startLock('mfaAccount', userId, SECOND_FACTOR_LOCK_MS);
  return (await lockedUntil('mfaAccount', userId)) ?? Date.now() + SECOND_FACTOR_LOCK_MS;
}
