import 'server-only';
import { z } from 'zod';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import { store } from '@/lib/kv';
import { takeChallengeAttempt } from '@/lib/rate-limit/challenge-attempts';

/**
 * The sign-in challenge between the password step and the second factor. No session exists
 * until it is passed. Its token (256 random bits) lives in an HttpOnly cookie and, hashed, in the
 * store, bound to the user; it lasts 5 minutes, allows 5 wrong codes (CHALLENGE_MAX_ATTEMPTS, with
 * the other limits in lib/rate-limit), and is redeemed once.
 */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

const key = (token: string) => `latchkey:mfa-challenge:${hashToken(token)}`;

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

/** One attempt at this challenge's cap, taken before its code is checked (lib/rate-limit). */
export function takeAttempt(token: string): ReturnType<typeof takeChallengeAttempt> {
  return takeChallengeAttempt(hashToken(token), CHALLENGE_TTL_MS);
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
