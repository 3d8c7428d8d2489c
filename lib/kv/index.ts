import 'server-only';
import { Redis } from '@upstash/redis';
import IORedis from 'ioredis';
import { env } from '@/lib/env';
import { IORedisRequester } from './ioredis-requester';
import { MemoryRedis } from './memory-redis';

/**
 * The key-value store behind rate limits and short-lived secrets (sign-in challenges).
 * One API (@upstash/redis) over three stores:
 * - UPSTASH_REDIS_REST_URL + _TOKEN: Upstash over HTTP;
 * - REDIS_URL: any Redis, through ioredis (see ioredis-requester.ts);
 * - neither: an in-process store (one instance only).
 */
export type StoreKind = 'upstash' | 'redis' | 'memory';
export type Store = { kind: StoreKind; redis: Redis };

const globalForKv = globalThis as typeof globalThis & { __latchkeyKv?: Store; __latchkeyMemory?: Store };

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
    created = { kind: 'redis', redis: redisUrlClient(REDIS_URL) };
  } else {
    created = memoryStore();
  }
  globalForKv.__latchkeyKv = created;
  return created;
}

function redisUrlClient(url: string): Redis {
  const client = new IORedis(url, {
    // Commands sent before the connection is up wait for it (a fresh instance must not skip
    // Redis); a store that stays down fails them after one retry or STORE_TIMEOUT_MS, and the
    // limiter then falls back to the in-process store (never open).
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: STORE_TIMEOUT_MS,
    connectTimeout: STORE_TIMEOUT_MS,
  });
  client.on('error', (error: Error) => console.warn(`latchkey: Redis connection error: ${error.message}`));
  return new Redis(new IORedisRequester(client));
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
