import 'server-only';
import { Redis } from '@upstash/redis';
import IORedis from 'ioredis';
import { env } from '@/lib/env';
import { describeFailure } from '@/lib/log';
import { IORedisRequester } from './ioredis-requester';
import { MemoryRedis } from './memory-redis';

/**
 * The key-value store behind rate limits and their locks. One API (@upstash/redis) over three
 * stores:
 * - UPSTASH_REDIS_REST_URL + _TOKEN: Upstash over HTTP;
 * - REDIS_URL: any Redis, through ioredis (see ioredis-requester.ts);
 * - neither: an in-process store (one instance only).
 */
export type StoreKind = 'upstash' | 'redis' | 'memory';
export type Store = {
  kind: StoreKind;
  redis: Redis;
  /** False while the client knows the store is unreachable (its connection is down). */
  connected?: () => boolean;
};

const globalForKv = globalThis as typeof globalThis & { __latchkeyKv?: Store; __latchkeyMemory?: Store };

/**
 * After the configured store fails (or times out), callers use their fallback for a while
 * instead of each waiting out the timeout again; then the store is tried again. A REDIS_URL
 * store is also known down while its connection is, and back as soon as it reconnects.
 */
const RETRY_STORE_AFTER_MS = 10_000;
let downUntil = 0;
/** Set at start and by every failure: what the fallbacks counted must be written back. */
let fellBack = true;

/** How long a remote store may take before the caller treats it as down. */
const STORE_TIMEOUT_MS = 1_500;

export function memoryStore(): Store {
  globalForKv.__latchkeyMemory ??= { kind: 'memory', redis: new Redis(new MemoryRedis()) };
  return globalForKv.__latchkeyMemory;
}

export function store(): Store {
  if (globalForKv.__latchkeyKv) return globalForKv.__latchkeyKv;
  const { UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, REDIS_URL } = env();
  let created: Store;
  if (UPSTASH_REDIS_REST_URL && UPSTASH_REDIS_REST_TOKEN) {
    created = {
      kind: 'upstash',
      redis: new Redis({
        url: UPSTASH_REDIS_REST_URL,
        token: UPSTASH_REDIS_REST_TOKEN,
        enableTelemetry: false,
        retry: { retries: 1, backoff: () => 50 },
      }),
    };
  } else if (REDIS_URL) {
    created = redisUrlStore(REDIS_URL);
  } else {
    created = memoryStore();
  }
  globalForKv.__latchkeyKv = created;
  return created;
}

function redisUrlStore(url: string): Store {
  const client = new IORedis(url, {
    // Commands sent before the connection is up wait for it (a fresh instance must not skip
    // Redis); a store that stays down fails them after one retry or STORE_TIMEOUT_MS, and the
    // limiter then counts in the database (lib/rate-limit/backend.ts; never open).
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: STORE_TIMEOUT_MS,
    connectTimeout: STORE_TIMEOUT_MS,
  });
  // A reconnect is tried every few seconds while Redis is away: one line a minute says so.
  let loggedAt = 0;
  client.on('error', (error: Error) => {
    if (Date.now() - loggedAt < 60_000) return;
    loggedAt = Date.now();
    console.warn(`latchkey: Redis connection error: ${error.message}`);
  });
  // Back the moment the connection is: no waiting out the retry interval below.
  client.on('ready', () => {
    downUntil = 0;
    loggedAt = 0;
  });
  return {
    kind: 'redis',
    redis: new Redis(new IORedisRequester(client)),
    // Lost and reconnecting: known down at once, so no request waits out a command timeout.
    connected: () => !['reconnecting', 'close', 'end'].includes(client.status),
  };
}

export function storeUsable(s: Store = store()): boolean {
  if (s.kind === 'memory') return true;
  return Date.now() >= downUntil && (s.connected?.() ?? true);
}

export function markStoreDown(s: Store, error: unknown): void {
  if (s.kind === 'memory') return;
  if (Date.now() >= downUntil) {
    console.warn(
      `latchkey: the ${s.kind} store failed; using the fallback for now: ${describeFailure(error)}`,
    );
  }
  downUntil = Date.now() + RETRY_STORE_AFTER_MS;
  fellBack = true;
}

/** Whether a fallback may hold counts that the store has not seen yet (and clears the mark). */
export function takeFellBack(): boolean {
  const was = fellBack;
  fellBack = false;
  return was;
}

/** Mark that a fallback counted something (or that writing it back failed: try again next time). */
export function markFellBack(): void {
  fellBack = true;
}

/** Reject after `ms`, so a hung store counts as a failed one. */
export function withTimeout<T>(promise: Promise<T>, ms = STORE_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`store did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * For shutdown: end a REDIS_URL connection, so the process leaves Redis cleanly. Upstash is
 * HTTP and the in-process store holds no connection: nothing to close. Runs after the last
 * request, so nothing is waiting on a reply.
 */
export async function closeStore(): Promise<void> {
  const current = globalForKv.__latchkeyKv;
  globalForKv.__latchkeyKv = undefined;
  if (current?.kind !== 'redis') return;
  // @upstash/redis keeps its requester in a protected field.
  const requester = (current.redis as unknown as { client: unknown }).client;
  if (requester instanceof IORedisRequester) requester.close();
}
