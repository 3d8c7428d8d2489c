import 'server-only';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import { db } from '@/lib/db/client';
import { signInChallenges } from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';

/**
 * The sign-in challenge between the password step and the second factor. No session exists
 * until it is passed. Its token (256 random bits) lives in an HttpOnly cookie and, hashed, in the
 * database, bound to the user; it lasts 5 minutes, allows 5 wrong codes (CHALLENGE_MAX_ATTEMPTS,
 * with the account-wide limits in lib/rate-limit), and is redeemed once.
 *
 * It lives in the database rather than the key-value store: a sign-in needs the database anyway
 * (the account, the session record), so the store being down must not stop anyone signing in.
 */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** A challenge allows 5 wrong codes; then the password step must be repeated. */
export const CHALLENGE_MAX_ATTEMPTS = 5;

export type ChallengePayload = { userId: string; remember: boolean };

const wellFormed = (token: unknown): token is string =>
  typeof token === 'string' && token.length >= 40 && token.length <= 64;

/** Issue a challenge after a right password; `mfa_challenge_issued` commits with it. */
export async function createChallenge(payload: ChallengePayload, ctx: RequestContext): Promise<string> {
  const token = randomToken();
  const now = Date.now();
  const database = await db();
  // Challenges nobody finished are dropped as new ones are made (5 minutes is their whole life).
  await database.delete(signInChallenges).where(lt(signInChallenges.expiresAt, new Date(now)));
  await database.transaction(async (tx) => {
    await tx.insert(signInChallenges).values({
      id: hashToken(token),
      userId: payload.userId,
      remember: payload.remember,
      expiresAt: new Date(now + CHALLENGE_TTL_MS),
    });
    await recordEvent('mfa_challenge_issued', ctx, { userId: payload.userId, tx });
  });
  return token;
}

const live = (token: string) =>
  and(eq(signInChallenges.id, hashToken(token)), gt(signInChallenges.expiresAt, new Date()));

export async function readChallenge(token: unknown): Promise<ChallengePayload | null> {
  if (!wellFormed(token)) return null;
  const database = await db();
  const [row] = await database
    .select({ userId: signInChallenges.userId, remember: signInChallenges.remember })
    .from(signInChallenges)
    .where(live(token))
    .limit(1);
  return row ?? null;
}

/**
 * Take one attempt at this challenge's cap, before its code is checked: one UPDATE … RETURNING,
 * so concurrent guesses each get their own number and cannot exceed the cap, and the same
 * statement reads the challenge (whose sign-in it is). `n` is this attempt's number; null when
 * the challenge is gone (expired, redeemed, never issued, or a malformed token). `giveBack`
 * undoes the attempt when the check failed on our side or never looked at the code.
 */
export async function takeAttempt(
  token: unknown,
): Promise<(ChallengePayload & { n: number; giveBack: () => Promise<void> }) | null> {
  if (!wellFormed(token)) return null;
  const database = await db();
  const [row] = await database
    .update(signInChallenges)
    .set({ attempts: sql`${signInChallenges.attempts} + 1` })
    .where(live(token))
    .returning({
      attempts: signInChallenges.attempts,
      userId: signInChallenges.userId,
      remember: signInChallenges.remember,
    });
  if (!row) return null;
  return {
    n: row.attempts,
    userId: row.userId,
    remember: row.remember,
    giveBack: async () => {
      await database
        .update(signInChallenges)
        .set({ attempts: sql`greatest(${signInChallenges.attempts} - 1, 0)` })
        .where(eq(signInChallenges.id, hashToken(token)));
    },
  };
}

/**
 * Redeem the challenge: of concurrent redeemers, exactly one gets the payload (DELETE …
 * RETURNING). Its attempt count goes with it, so no guess in flight can count from 1 again.
 */
export async function consumeChallenge(token: string): Promise<ChallengePayload | null> {
  const database = await db();
  const [row] = await database
    .delete(signInChallenges)
    .where(live(token))
    .returning({ userId: signInChallenges.userId, remember: signInChallenges.remember });
  return row ?? null;
}

/** End the challenge (its cap used up, or the person started over). */
export async function endChallenge(token: unknown): Promise<void> {
  if (!wellFormed(token)) return;
  const database = await db();
  await database.delete(signInChallenges).where(eq(signInChallenges.id, hashToken(token)));
}
