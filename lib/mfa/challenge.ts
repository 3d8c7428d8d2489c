import 'server-only';
import { z } from 'zod';
import { hashToken, randomToken } from '@/lib/auth/tokens';
import { store } from '@/lib/kv';

/**
 * The sign-in challenge between the password step and the second factor. No session exists
 * until it is passed. Its token (256 random bits) lives in an HttpOnly cookie and, hashed, in the
 * store, bound to the user; it lasts 5 minutes, allows 5 wrong codes, and is redeemed once.
 */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const CHALLENGE_MAX_ATTEMPTS = 5;

const key = (token: string) => `latchkey:mfa-challenge:${hashToken(token)}`;
const attemptsKey = (token: string) => `${key(token)}:attempts`;

const payloadSchema = z.object({ userId: z.uuid(), remember: z.boolean() });
export type ChallengePayload = z.infer<typeof payloadSchema>;

function parse(raw: unknown): ChallengePayload | null {
  if (raw === null || raw === undefined) return null;
  const parsed = payloadSchema.safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw);
  return parsed.success ? parsed.data : null;
}

const wellFormed = (token: unknown): token is string =>
  typeof token === 'string' && token.length >= 40 && token.length <= 64;

export async function createChallenge(payload: ChallengePayload): Promise<string> {
  const token = randomToken();
  await store().redis.set(key(token), JSON.stringify(payload), { px: CHALLENGE_TTL_MS });
  return token;
}

export async function readChallenge(token: unknown): Promise<ChallengePayload | null> {
  if (!wellFormed(token)) return null;
  return parse(await store().redis.get<unknown>(key(token)));
}

/**
 * Count one attempt at the challenge, atomically (INCR), before the code is checked, so
 * concurrent guesses cannot exceed the cap. Returns the attempt's number.
 */
export async function countAttempt(token: string): Promise<number> {
  const redis = store().redis;
  const n = await redis.incr(attemptsKey(token));
  if (n === 1) await redis.pexpire(attemptsKey(token), CHALLENGE_TTL_MS);
  return n;
}

/** Give an attempt back: the check failed on our side, not the user's. */
export async function uncountAttempt(token: string): Promise<void> {
  await store().redis.decr(attemptsKey(token));
}

/**
 * Redeem the challenge: of concurrent redeemers, exactly one gets the payload (GETDEL). The
 * attempt counter is left to expire: deleting it would let a guess already in flight count
 * from 1 again.
 */
export async function consumeChallenge(token: string): Promise<ChallengePayload | null> {
  return parse(await store().redis.getdel<unknown>(key(token)));
}

/** End the challenge (its counter expires on its own, as in consumeChallenge). */
export async function endChallenge(token: unknown): Promise<void> {
  if (!wellFormed(token)) return;
  await store().redis.del(key(token));
}
