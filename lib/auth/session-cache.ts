import 'server-only';
import type { ChangeWatcher } from '@/lib/db/changes';
import { watchSessionChanges } from '@/lib/db/client';

/**
 * Sessions this process validated a moment ago, so a protected page need not ask the database
 * again on every request. Revocation stays immediate because the database announces every change
 * that could make an entry wrong (lib/db/changes.ts: triggers, so no write path can forget to):
 * each announcement drops that user's entries before anything else reads them. An entry is served
 * only while those announcements are known to arrive; otherwise every check goes to the database,
 * never to a possibly stale entry. Entries also end with their session, and after ENTRY_TTL_MS
 * whatever happens.
 *
 * One cache per process, on globalThis: Next.js loads this module twice (instrumentation and the
 * app), and both copies must see the same entries and the same announcements.
 */
export const ENTRY_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export type CachedSession<S> = { session: S; userId: string; expiresAtMs: number; lastSeenAtMs: number };

/**
 * A cached entry, and whether the cache alone vouches that the session is still live: only when
 * every change is announced before its write returns (PGlite). With PostgreSQL the announcement
 * comes a moment after the commit, so the caller confirms liveness with one small query (the
 * entry still spares it the joins), and a sign-out on one instance refuses the very next request
 * on every other.
 */
export type CacheHit<S> = CachedSession<S> & { confirmed: boolean };

type Entry = CachedSession<unknown> & { cachedAtMs: number };

type State = {
  entries: Map<string, Entry>;
  /** Each user's entries, so an announcement drops them without scanning the whole cache. */
  byUser: Map<string, Set<string>>;
  /** Bumped by every announcement: a read that started before one must not be cached. */
  generation: number;
  watcher?: ChangeWatcher;
  starting?: Promise<void>;
};

const globalForCache = globalThis as typeof globalThis & { __latchkeySessionCache?: State };

function state(): State {
  globalForCache.__latchkeySessionCache ??= { entries: new Map(), byUser: new Map(), generation: 0 };
  return globalForCache.__latchkeySessionCache;
}

function drop(s: State, id: string): void {
  const entry = s.entries.get(id);
  if (!entry) return;
  s.entries.delete(id);
  const ids = s.byUser.get(entry.userId);
  ids?.delete(id);
  if (ids?.size === 0) s.byUser.delete(entry.userId);
}

function forgetUser(userId: string): void {
  const s = state();
  s.generation++;
  for (const id of s.byUser.get(userId) ?? []) s.entries.delete(id);
  s.byUser.delete(userId);
}

/** Drop one entry now (a check found its session gone before the announcement came). */
export function forgetSession(id: string): void {
  const s = state();
  s.generation++;
  drop(s, id);
}

function forgetAll(): void {
  const s = state();
  s.generation++;
  s.entries.clear();
  s.byUser.clear();
}

/** Starts listening for announcements (once per process); until they flow, nothing is cached. */
async function watching(): Promise<ChangeWatcher | undefined> {
  const s = state();
  if (s.watcher && !s.watcher.closed()) return s.watcher;
  s.watcher = undefined;
  s.starting ??= watchSessionChanges({ changed: forgetUser, reset: forgetAll })
    .then((watcher) => {
      s.watcher = watcher;
    })
    .catch(() => {
      // No announcements (the database is down, say): check every session in the database, and
      // try again on a later request.
    })
    .finally(() => {
      s.starting = undefined;
    });
  await s.starting;
  return s.watcher;
}

/** The entry for a session id, if one may be served: fresh, unexpired, announcements flowing. */
export function cachedSession<S>(id: string, nowMs = Date.now()): CacheHit<S> | undefined {
  const s = state();
  const entry = s.entries.get(id);
  if (!entry) return undefined;
  if (!s.watcher?.live() || nowMs - entry.cachedAtMs > ENTRY_TTL_MS || nowMs >= entry.expiresAtMs) {
    drop(s, id);
    return undefined;
  }
  return Object.assign(entry as CachedSession<S>, { confirmed: s.watcher.synchronous });
}

/**
 * Call before reading a session from the database; pass the result to `remember`. Announcements
 * that arrive while the read is under way make its result unfit to keep.
 */
export async function beginRead(): Promise<number> {
  await watching();
  return state().generation;
}

export function remember<S>(
  id: string,
  value: CachedSession<S>,
  generation: number,
  nowMs = Date.now(),
): void {
  const s = state();
  if (generation !== s.generation || !s.watcher?.live()) return;
  if (s.entries.size >= MAX_ENTRIES) drop(s, s.entries.keys().next().value as string);
  drop(s, id);
  s.entries.set(id, { ...value, cachedAtMs: nowMs });
  const ids = s.byUser.get(value.userId) ?? new Set<string>();
  ids.add(id);
  s.byUser.set(value.userId, ids);
}
