import { randomBytes, randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';
import { vi } from 'vitest';
import { failureMessage } from '@/lib/action-state';
import type { Failure } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { store } from '@/lib/kv';

/**
 * Test helpers shared by the integration suites. Every identifier is random, so files running in
 * parallel (and repeated runs against the shared real Redis, whose counters live 15 minutes)
 * never see each other's state.
 */
export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID()}@example.com`;
}

/**
 * A random /64 in the IPv6 unique-local range (fd00::/8, 56 random bits), and fresh addresses in
 * it. Per-IP limits count a whole /64 as one client (lib/http/ip-bucket.ts), so every test gets
 * its own /64, not only its own address.
 */
export function uniqueSlash64(): { prefix: string; address: () => string } {
  const prefix = `fd${randomGroups(4).join(':').slice(2)}`;
  return { prefix, address: () => `${prefix}:${randomGroups(4).join(':')}` };
}

/** The /64 right after `prefix` (same /48 for all but one in 65,536 prefixes): another client. */
export function nextSlash64(prefix: string): string {
  const groups = prefix.split(':');
  const last = Number.parseInt(groups.pop() ?? '0', 16);
  return [...groups, ((last + 1) & 0xffff).toString(16).padStart(4, '0')].join(':');
}

/** A random address in a /64 of its own, so no two tests share a per-IP budget. */
export function uniqueIp(): string {
  return uniqueSlash64().address();
}

function randomGroups(n: number): string[] {
  return (
    randomBytes(2 * n)
      .toString('hex')
      .match(/.{4}/g) ?? []
  );
}

export function uniqueId(tag = 'id'): string {
  return `${tag}-${randomUUID()}`;
}

export function ctx(ip = uniqueIp(), userAgent: string | null = 'vitest'): RequestContext {
  return { ip, userAgent };
}

export const FIFTEEN_MINUTES = 15 * 60_000;

/**
 * Fixed rate-limit windows are aligned to the epoch; a test that straddles a boundary would see a
 * fresh window. Moving the clock to the middle of the current window (and letting it run) leaves
 * 7.5 minutes either side, far more than any test takes.
 */
export function pinClockToMidWindow(windowMs = FIFTEEN_MINUTES, advance = true): number {
  const mid = Math.floor(Date.now() / windowMs) * windowMs + windowMs / 2;
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: advance });
  vi.setSystemTime(mid);
  return mid;
}

/**
 * The Redis-URL store connects asynchronously and, by design, refuses commands until connected
 * (no offline queue). Integration suites wait for it once, so their assertions are about the
 * configured store and not the in-process fallback. (Cold start has its own test:
 * lib/kv/redis-startup.security.test.ts.)
 */
export async function waitForStore(timeoutMs = 10_000): Promise<void> {
  const s = store();
  if (s.kind === 'memory') return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await s.redis.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/** Disconnect the module-level Redis-URL client (if any) so the test process can exit. */
export function closeStore(): void {
  const cached = (globalThis as { __latchkeyKv?: { kind: string; redis: unknown } }).__latchkeyKv;
  if (cached?.kind !== 'redis') return;
  const requester = (cached.redis as { client?: { client?: IORedis } }).client;
  requester?.client?.disconnect();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A lib/ result as the person sees it: a failure becomes its words (on a field, or for the whole
 * form), through the same function the actions use. Tests that assert what is shown use it, so
 * they check the words and not only the failure's kind.
 */
export function shown<R extends { ok: boolean }>(result: R | Failure): R | Shown {
  if (result.ok) return result as R;
  const failure = result as Failure;
  const message = failureMessage(failure);
  return failure.kind !== 'rate_limited' && failure.field
    ? { ok: false, field: failure.field, message }
    : { ok: false, error: message };
}
type Shown = { ok: false; field: string; message: string } | { ok: false; error: string };
