import 'server-only';
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { limiterFallback } from '@/lib/db/schema';

/**
 * Where attempts are counted while the configured Redis is down: the database, which every
 * instance shares (an in-process count per instance would multiply each limit by the number of
 * instances), with the same fixed windows as @upstash/ratelimit's, so a count taken here and one
 * taken in Redis mean the same thing. When the store is back, `drainFallback` hands what was
 * counted here back to it (./backend.ts), so a lock taken during the outage keeps holding.
 * Locks are also written here while the store is up (./lock.ts: they are rare), so an outage
 * does not hide a lock taken before it.
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
  if (rate < 0) {
    // A refund only lowers a count that exists: it never creates a row.
    const [row] = await database
      .update(limiterFallback)
      .set({ count: sql`greatest(${limiterFallback.count} + ${rate}, 0)` })
      .where(eq(limiterFallback.key, countKey(name, id, bucket)))
      .returning({ count: limiterFallback.count });
    const used = row?.count ?? 0;
    return { success: used <= tokens, remaining: Math.max(tokens - used, 0), reset };
  }
  const [row] = await database
    .insert(limiterFallback)
    .values({ key: countKey(name, id, bucket), count: rate, expiresAt: new Date(reset) })
    .onConflictDoUpdate({
      target: limiterFallback.key,
      set: { count: sql`${limiterFallback.count} + ${rate}` },
    })
    .returning({ count: limiterFallback.count });
  const used = row?.count ?? rate;
  return { success: used <= tokens, remaining: Math.max(tokens - used, 0), reset };
}

/** The current window's count without adding to it (and without creating a row). */
export async function fallbackPeek(
  name: string,
  id: string,
  tokens: number,
  windowMs: number,
): Promise<WindowResult> {
  const bucket = Math.floor(Date.now() / windowMs);
  const database = await db();
  const [row] = await database
    .select({ count: limiterFallback.count })
    .from(limiterFallback)
    .where(eq(limiterFallback.key, countKey(name, id, bucket)));
  const used = row?.count ?? 0;
  return { success: used < tokens, remaining: Math.max(tokens - used, 0), reset: (bucket + 1) * windowMs };
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

const BATCH = 200;

/**
 * Hand everything the database holds to `apply` (which writes it into the store, the higher
 * count or the later lock winning, so applying twice does no harm), a batch at a time, with no
 * transaction open while the store is written to. Live rows stay until they expire: the next
 * outage goes on from them instead of starting a fresh budget, and an instance still on the
 * fallback keeps counting on them. Expired rows are dropped. Returns how many were handed over.
 */
export async function drainFallback(apply: (rows: Drained[]) => Promise<void>): Promise<number> {
  const database = await db();
  await database.delete(limiterFallback).where(lte(limiterFallback.expiresAt, new Date()));
  let handed = 0;
  let after = '';
  for (;;) {
    const rows = await database
      .select()
      .from(limiterFallback)
      .where(and(gt(limiterFallback.key, after), gt(limiterFallback.expiresAt, new Date())))
      .orderBy(asc(limiterFallback.key))
      .limit(BATCH);
    if (rows.length === 0) return handed;
    after = rows[rows.length - 1]?.key ?? after;
    const live = rows.flatMap((row) => parse(row.key, row.count, row.expiresAt.getTime()));
    if (live.length > 0) await apply(live);
    handed += live.length;
  }
}

function parse(key: string, count: number, until: number): Drained[] {
  const [kind, name, ...rest] = key.split(':');
  if (!name || rest.length === 0) return [];
  if (kind === 'lock') return [{ kind: 'lock', name, id: rest.join(':'), until }];
  // The id may hold colons (an IPv6 bucket): the window number is the last part. A count given
  // back to 0 has nothing to hand over.
  if (kind === 'rl' && rest.length >= 2 && count > 0)
    return [{ kind: 'count', name, id: rest.slice(0, -1).join(':'), count, reset: until }];
  return [];
}
