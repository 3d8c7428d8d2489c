import { describe, expect, it, vi } from 'vitest';
import { memoryStore } from '@/lib/kv';
import { rateLimitSemantics } from '@/tests/rate-limit-semantics';
import { LIMITS } from './index';

// This file is about the in-process store, whatever the environment configures.
vi.hoisted(() => {
  delete process.env.REDIS_URL;
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
});

describe('rate limits with the in-process store', () => {
  rateLimitSemantics({
    kind: 'memory',
    counter: (key) => memoryStore().redis.get<number>(key),
  });
});

describe('LIMITS (the contract numbers)', () => {
  it('5 failed sign-ins per account per 15 minutes', () => {
    expect(LIMITS.signInAccount).toEqual({ tokens: 5, window: '15 m', lockMs: 15 * 60_000 });
  });

  it('50 failed sign-ins per IP per 15 minutes', () => {
    expect(LIMITS.signInIp).toEqual({ tokens: 50, window: '15 m' });
  });

  it('registration from one IP is not limited below 20 accounts an hour', () => {
    expect(LIMITS.register.window).toBe('1 h');
    expect(LIMITS.register.tokens).toBeGreaterThanOrEqual(20);
  });
});
