import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryStore, type StoreKind, store } from '@/lib/kv';
import { type Attempt, clearAttempts, consume, consumeAll, LIMITS } from '@/lib/rate-limit';
import { FIFTEEN_MINUTES, pinClockToMidWindow, uniqueId, uniqueIp } from './helpers';

/**
 * The rate-limit contract, written once and run against every store lib/kv can be configured
 * with: in-process (lib/rate-limit/memory.security.test.ts), a real Redis through REDIS_URL
 * (redis.security.test.ts) and a configured Redis that is down (fallback.security.test.ts).
 * consume() uses the module-level store(), so each file configures the environment before its
 * first call and passes what it expects here.
 */
export type RateLimitTarget = {
  /** The kind store() must report: proves the file runs against what it claims. */
  kind: StoreKind;
  /** Runs once before the suite (say, wait until Redis is connected). */
  prepare?: () => Promise<void>;
  /** Reads a raw limiter counter from where the counts must live. */
  counter: (key: string) => Promise<number | null>;
};

const HOUR = 60 * 60_000;

function windowEnd(now: number, windowMs: number): number {
  return (Math.floor(now / windowMs) + 1) * windowMs;
}

function counterKey(name: keyof typeof LIMITS, id: string, now: number, windowMs = FIFTEEN_MINUTES): string {
  return `latchkey:rl:${name}:${id}:${Math.floor(now / windowMs)}`;
}

async function consumeTimes(n: number, name: keyof typeof LIMITS, id: string): Promise<Attempt[]> {
  const out: Attempt[] = [];
  for (let i = 0; i < n; i++) out.push(await consume(name, id));
  return out;
}

const allowedCount = (attempts: Attempt[]) => attempts.filter((a) => a.allowed).length;

export function rateLimitSemantics(target: RateLimitTarget): void {
  let now = 0;

  beforeAll(async () => {
    // Built before any test fakes Date, so the in-process store's expiry clock is the real one.
    memoryStore();
    expect(store().kind).toBe(target.kind);
    await target.prepare?.();
  });

  beforeEach(() => {
    // Frozen in the middle of a 15-minute window: no test can straddle a window boundary.
    now = pinClockToMidWindow(FIFTEEN_MINUTES, false);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe('signInAccount: 5 attempts per 15 minutes', () => {
    it('allows 5, then refuses until the end of the 15-minute window', async () => {
      const id = uniqueId('acct');
      const first = await consumeTimes(5, 'signInAccount', id);
      expect(first.every((a) => a.allowed)).toBe(true);

      for (const refused of await consumeTimes(3, 'signInAccount', id)) {
        expect(refused.allowed).toBe(false);
        if (refused.allowed) continue;
        expect(refused.limiter).toBe('signInAccount');
        expect(refused.retryAt).toBeGreaterThan(now);
        expect(refused.retryAt).toBeLessThanOrEqual(now + FIFTEEN_MINUTES);
        expect(refused.retryAt).toBe(windowEnd(now, FIFTEEN_MINUTES));
      }
      // The counts live in the configured store, not somewhere else.
      expect(Number(await target.counter(counterKey('signInAccount', id, now)))).toBeGreaterThanOrEqual(5);
    });

    it('allows again once the window has passed, and not a moment before', async () => {
      const id = uniqueId('acct');
      await consumeTimes(6, 'signInAccount', id);
      vi.setSystemTime(windowEnd(now, FIFTEEN_MINUTES) - 1);
      expect((await consume('signInAccount', id)).allowed).toBe(false);
      vi.setSystemTime(windowEnd(now, FIFTEEN_MINUTES));
      expect((await consume('signInAccount', id)).allowed).toBe(true);
    });

    it('counts each account, and each limiter, separately', async () => {
      const id = uniqueId('acct');
      await consumeTimes(6, 'signInAccount', id);
      expect((await consume('signInAccount', uniqueId('acct'))).allowed).toBe(true);
      expect((await consume('signInIp', id)).allowed).toBe(true);
      expect((await consume('register', id)).allowed).toBe(true);
    });
  });

  describe('clearing', () => {
    it('forgets the attempts of one id for one limiter, and nothing else', async () => {
      const id = uniqueId('acct');
      const other = uniqueId('acct');
      await consumeTimes(6, 'signInAccount', id);
      await consumeTimes(6, 'signInAccount', other);
      await consumeTimes(51, 'signInIp', id);
      await clearAttempts('signInAccount', id);
      expect(allowedCount(await consumeTimes(6, 'signInAccount', id))).toBe(5);
      expect((await consume('signInAccount', other)).allowed).toBe(false);
      expect((await consume('signInIp', id)).allowed).toBe(false);
    });
  });

  describe('refunds', () => {
    it('a refund gives the attempt back', async () => {
      const id = uniqueId('acct');
      const attempts = await consumeTimes(5, 'signInAccount', id);
      const last = attempts[4];
      if (!last?.allowed) throw new Error('expected the 5th attempt to be allowed');
      await last.refund();
      expect((await consume('signInAccount', id)).allowed).toBe(true);
      expect((await consume('signInAccount', id)).allowed).toBe(false);
    });

    it('refunds make room for as many attempts as were given back', async () => {
      const id = uniqueId('acct');
      const attempts = await consumeTimes(5, 'signInAccount', id);
      await Promise.all(attempts.map((a) => (a.allowed ? a.refund() : undefined)));
      expect(allowedCount(await consumeTimes(7, 'signInAccount', id))).toBe(5);
    });

    it('a refund kept from an ended window does not add an attempt to the next one', async () => {
      const id = uniqueId('acct');
      const stale = await consume('signInAccount', id);
      vi.setSystemTime(now + FIFTEEN_MINUTES);
      expect(allowedCount(await consumeTimes(5, 'signInAccount', id))).toBe(5);
      if (stale.allowed) await stale.refund();
      expect((await consume('signInAccount', id)).allowed).toBe(false);
    });
  });

  describe('consumeAll', () => {
    it('when one limiter refuses, gives back what the others took', async () => {
      const account = uniqueId('acct');
      const ip = uniqueIp();
      expect(allowedCount(await consumeTimes(LIMITS.signInIp.tokens, 'signInIp', ip))).toBe(50);

      for (let i = 0; i < 10; i++) {
        const result = await consumeAll([
          { name: 'signInAccount', id: account },
          { name: 'signInIp', id: ip },
        ]);
        expect(result.allowed).toBe(false);
        if (!result.allowed) {
          expect(result.limiter).toBe('signInIp');
          expect(result.retryAt).toBe(windowEnd(now, FIFTEEN_MINUTES));
        }
      }
      // Ten refusals later the account still has all five attempts: a blocked IP cannot lock it.
      expect(allowedCount(await consumeTimes(6, 'signInAccount', account))).toBe(5);
    });

    it('reports the latest time at which every limiter would allow again', async () => {
      const id = uniqueId('both');
      await consumeTimes(LIMITS.register.tokens, 'register', id);
      await consumeTimes(LIMITS.signInAccount.tokens, 'signInAccount', id);
      const result = await consumeAll([
        { name: 'signInAccount', id },
        { name: 'register', id },
      ]);
      expect(result.allowed).toBe(false);
      if (!result.allowed)
        expect(result.retryAt).toBe(Math.max(windowEnd(now, FIFTEEN_MINUTES), windowEnd(now, HOUR)));
    });

    it("an allowed consumeAll's refund gives back every attempt", async () => {
      const account = uniqueId('acct');
      const ip = uniqueIp();
      const result = await consumeAll([
        { name: 'signInAccount', id: account },
        { name: 'signInIp', id: ip },
      ]);
      expect(result.allowed).toBe(true);
      if (result.allowed) await result.refund();
      expect(allowedCount(await consumeTimes(6, 'signInAccount', account))).toBe(5);
      expect(Number(await target.counter(counterKey('signInIp', ip, now)))).toBe(0);
    });
  });

  describe('concurrency', () => {
    it('20 concurrent attempts on a fresh key: exactly 5 allowed', async () => {
      const id = uniqueId('race');
      const attempts = await Promise.all(Array.from({ length: 20 }, () => consume('signInAccount', id)));
      expect(allowedCount(attempts)).toBe(5);
      for (const a of attempts) if (!a.allowed) expect(a.retryAt).toBe(windowEnd(now, FIFTEEN_MINUTES));
    });

    it('20 concurrent consumeAll for one account from 20 IPs: exactly 5 allowed', async () => {
      const account = uniqueId('race');
      const attempts = await Promise.all(
        Array.from({ length: 20 }, () =>
          consumeAll([
            { name: 'signInAccount', id: account },
            { name: 'signInIp', id: uniqueIp() },
          ]),
        ),
      );
      expect(allowedCount(attempts)).toBe(5);
    });

    it('60 concurrent attempts from one IP: exactly 50 allowed', async () => {
      const ip = uniqueIp();
      const attempts = await Promise.all(Array.from({ length: 60 }, () => consume('signInIp', ip)));
      expect(allowedCount(attempts)).toBe(50);
    });
  });
}
