import 'server-only';
import { store } from '@/lib/kv';

/**
 * The per-challenge cap: a sign-in challenge allows 5 wrong codes, then the password step must be
 * repeated. Counted by INCR before the code is checked, so concurrent guesses cannot exceed it.
 * The account-wide limit (10 failures per 15 minutes) is `mfaAccount` in ./index.ts.
 */
export const CHALLENGE_MAX_ATTEMPTS = 5;

/**
 * Take one attempt at the challenge `id` (a hash of its token), for `ttlMs` (the challenge's own
 * lifetime). `n` is this attempt's number; `giveBack` undoes it when the check failed on our side
 * or never looked at the code. The counter is left to expire, never deleted: deleting it would let
 * a guess already in flight count from 1 again.
 */
export async function takeChallengeAttempt(
  id: string,
  ttlMs: number,
): Promise<{ n: number; giveBack: () => Promise<void> }> {
  const redis = store().redis;
  const key = `latchkey:mfa-challenge:${id}:attempts`;
  const n = await redis.incr(key);
  if (n === 1) await redis.pexpire(key, ttlMs);
  return { n, giveBack: async () => void (await redis.decr(key)) };
}
