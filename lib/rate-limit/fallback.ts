import 'server-only';
import { and, eq, gt, lte, sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { limiterFallback } from '@/lib/db/schema';

/**
 * Where attempts are counted while the configured Redis is down: the database, which every
 * instance shares (an in-process count per instance would multiply each limit by the number of
 * instances), with the same fixed windows as @upstash/ratelimit's, so a count taken here and one
 * taken in Redis mean the same thing. When the store is back, `drainFallback` hands what was
 * counted here back to it (./backend.ts), so a lock taken during the outage keeps holding.
 *
 * Keys: `rl:<limiter>:<id>:<window number>` for counts, `lock:<limiter>:<id>` for locks. Ids are
 * keyed hashes or IP buckets, never an address in clear.
 */
export type WindowResult = { success: boolean; remaining: number; reset: number };

const countKey = (name: string, id: string, bucket: number) => `rl:${name}:${id}:${bucket}`;
const lockKey = (name: string, id: string) => `lock:${name}:${id}`;

/** Add `rate` (a refund is -1) to the current window's count; allowed while it stays within `tokens`. */
export async function fallbackLimit(
  name: string,
  id: string,
  tokens: number,
  windowMs: number,
  rate = 1,
): Promise<WindowResult> {
  const bucket = Math.floor(Date.now() / windowMs);
  const reset = (bucket + 1) * windowMs;
  const database = await db();
  const [row] = await database
    .insert(limiterFallback)
    .values({ key: countKey(name, id, bucket), count: Math.max(rate, 0), expiresAt: new Date(reset) })
    .onConflictDoUpdate({
      target: limiterFallback.key,
      set: { count: sql`greatest(${limiterFallback.count} + ${rate}, 0)` },
    })
    .returning({ count: limiterFallback.count });
  const used = row?.count ?? rate;
  return { success: used <= tokens, remaining: Math.max(tokens - used, 0), reset };
}

/** Forget the current window's count (what was guessed no longer exists: clearAttempts). */
export async function fallbackReset(name: string, id: string, windowMs: number): Promise<void> {
  const database = await db();
  const bucket = Math.floor(Date.now() / windowMs);
  await database.delete(limiterFallback).where(eq(limiterFallback.key, countKey(name, id, bucket)));
}

export async function fallbackLockedUntil(name: string, id: string): Promise<number | null> {
  const database = await db();
  const [row] = await database
    .select({ until: limiterFallback.expiresAt })
    .from(limiterFallback)
    .where(and(eq(limiterFallback.key, lockKey(name, id)), gt(limiterFallback.expiresAt, new Date())))
    .limit(1);
  return row ? row.until.getTime() : null;
}

/** Start the lock; one already running keeps its end (as SET NX in the store). */
export async function fallbackStartLock(name: string, id: string, ms: number): Promise<void> {
  const database = await db();
  const until = new Date(Date.now() + ms);
  await database
    .insert(limiterFallback)
    .values({ key: lockKey(name, id), count: 0, expiresAt: until })
    .onConflictDoUpdate({
      target: limiterFallback.key,
      set: { expiresAt: until },
      setWhere: lte(limiterFallback.expiresAt, new Date()),
    });
}

export async function fallbackEndLock(name: string, id: string): Promise<void> {
  const database = await db();
  await database.delete(limiterFallback).where(eq(limiterFallback.key, lockKey(name, id)));
}

export type Drained =
  | { kind: 'count'; name: string; id: string; count: number; reset: number }
  | { kind: 'lock'; name: string; id: string; until: number };

/**
 * Take everything counted here out, and hand it to `apply` (which writes it into the store), in
 * one transaction: when `apply` fails the rows stay for the next try; of two instances draining
 * at once, each row goes to one of them. Expired rows are simply dropped.
 */
export async function drainFallback(apply: (rows: Drained[]) => Promise<void>): Promise<number> {
  const database = await db();
  return database.transaction(async (tx) => {
    const rows = await tx.delete(limiterFallback).returning();
    const now = Date.now();
    const live: Drained[] = [];
    for (const row of rows) {
      const until = row.expiresAt.getTime();
      if (until <= now) continue;
      const [kind, name, ...rest] = row.key.split(':');
      if (!name || rest.length === 0) continue;
      if (kind === 'lock') live.push({ kind: 'lock', name, id: rest.join(':'), until });
      // The id may hold colons (an IPv6 bucket): the window number is the last part.
      else if (kind === 'rl' && rest.length >= 2)
        live.push({ kind: 'count', name, id: rest.slice(0, -1).join(':'), count: row.count, reset: until });
    }
    if (live.length > 0) await apply(live);
    return live.length;
  });
}
