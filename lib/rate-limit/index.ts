import 'server-only';
import { Ratelimit } from '@upstash/ratelimit';
import { keyedHash } from '@/lib/crypto/keyed-hash';
import type { RateLimited } from '@/lib/failure';
import { memoryStore, type Store, store, storeUsable, withTimeout } from '@/lib/kv';
import { describeFailure } from '@/lib/log';
import { onStoreOrFallback, type WriteBack } from './backend';
import { fallbackLimit, fallbackPeek, fallbackReset } from './fallback';
import { endLock, lockedUntil, lockKey, startLock } from './lock';

/**
 * Every attempt count of the app, in one place: one named limiter per purpose, all on
 * @upstash/ratelimit's fixed window (a refusal lasts until the window passes, which is what the
 * contract promises and what the message can say exactly), run through `guarded`. The
 * second-factor lock and the per-challenge cap, which are not windows, sit beside it
 * (second-factor-lock.ts; the per-challenge cap is in lib/mfa/challenge.ts).
 */
export const LIMITS = {
  /**
   * Failed sign-ins per account from browsers that never signed in to it, whatever the IP
   * (targeted guessing); the fifth locks for a full 15 minutes.
   */
  signInAccount: { tokens: 5, window: '15 m', lockMs: 15 * 60_000 },
  /**
   * Failed sign-ins from a browser that signed in to the account before (its device cookie,
   * OWASP's defence against lockout): its own budget, so guessing elsewhere cannot lock it out.
   */
  signInDevice: { tokens: 5, window: '15 m', lockMs: 15 * 60_000 },
  /**
   * Password verifications per account and per IP, right or wrong (argon2id costs the same
   * either way): generous for people, a ceiling for a loop that signs in with a known password.
   */
  passwordVerifyAccount: { tokens: 30, window: '15 m' },
  passwordVerifyIp: { tokens: 300, window: '15 m' },
  /** Failed sign-ins per IP across accounts (credential stuffing), roomy enough for an office. */
  signInIp: { tokens: 50, window: '15 m' },
  /**
   * Accounts created per IP; the contract says not below 20 an hour (QA creates many): this
   * project's own end-to-end run creates over 50 from one machine in under 20 minutes.
   */
  register: { tokens: 100, window: '1 h' },
  /**
   * Wrong passwords typed inside a signed-in session (before a change: set-up, new password, new
   * address, deletion), per session and per user. Never the public sign-in bucket: a guesser
   * elsewhere cannot lock the owner out of their own settings, and a stolen session guessing the
   * password cannot lock the owner out of signing in.
   */
  passwordRecheckSession: { tokens: 5, window: '15 m' },
  passwordRecheckUser: { tokens: 10, window: '15 m' },
  /** Failed second-factor attempts per account (sign-in challenge and step-up): then locked. */
  mfaAccount: { tokens: 10, window: '15 m' },
  /** Authenticator set-ups started per user. */
  mfaSetup: { tokens: 3, window: '1 h' },
  /** Backup-code sets made per user (ten argon2id hashes each, ~280 ms of work). */
  backupCodesRegenerate: { tokens: 5, window: '1 h' },
  /** Codes tried while enrolling, per user. */
  mfaEnroll: { tokens: 10, window: '15 m' },
  /** Verification emails asked for, per user (registration sends the first). */
  verificationEmail: { tokens: 3, window: '1 h' },
  /** Reset links asked for per address, known or not (the same answer either way). */
  passwordResetAddress: { tokens: 3, window: '1 h' },
  /** Reset links asked for per IP across addresses (mail bombing many inboxes). */
  passwordResetIp: { tokens: 20, window: '1 h' },
  /**
   * Account recoveries asked for per address and per IP, every request counted, whatever the
   * address (the same answer either way): each may send a mail, so this is the mail budget.
   */
  accountRecoveryAddress: { tokens: 3, window: '1 h' },
  accountRecoveryIp: { tokens: 20, window: '1 h' },
  /**
   * Security notices per account and kind: a loop of changes (a password changed back and forth)
   * must not become a mail cannon; to an address never verified, one a day of each kind.
   */
  securityNotice: { tokens: 3, window: '1 h' },
  securityNoticeUnverified: { tokens: 1, window: '24 h' },
  /** Address changes asked for per user (each sends a mail to an address of their choosing). */
  emailChange: { tokens: 3, window: '1 h' },
  /**
   * API token refreshes per IP, every one counted: each writes a row and signs a token. A
   * program refreshes about once an hour (access tokens last 1 hour), so this is room for a few
   * hundred programs behind one address, not for a loop.
   */
  apiRefreshIp: { tokens: 300, window: '15 m' },
} as const satisfies Record<
  string,
  { tokens: number; window: `${number} ${'s' | 'm' | 'h'}`; lockMs?: number }
>;

export type LimiterName = keyof typeof LIMITS;

/** The limiter key for an email address: keyed, so the store's keys do not give addresses away. */
export function emailKey(email: string): string {
  return keyedHash('rate-limit:email', email);
}

export type Attempt =
  | {
      allowed: true;
      /** The fewest attempts left in any of the limiters taken from; `exhausted`: those at none. */
      remaining: number;
      exhausted: LimiterName[];
      refund: () => Promise<void>;
    }
  | { allowed: false; retryAt: number; limiter: LimiterName };

const cache = new WeakMap<Store, Map<LimiterName, Ratelimit>>();

function limiter(s: Store, name: LimiterName): Ratelimit {
  let byName = cache.get(s);
  if (!byName) {
    byName = new Map();
    cache.set(s, byName);
  }
  let rl = byName.get(name);
  if (!rl) {
    const { tokens, window } = LIMITS[name];
    rl = new Ratelimit({
      redis: s.redis,
      limiter: Ratelimit.fixedWindow(tokens, window),
      prefix: `latchkey:rl:${name}`,
      // The library's timeout lets a request through when the store is slow (fail open);
      // ours falls back to the database instead (./backend.ts). Its in-memory block cache is
      // off so a refund or reset is seen at once.
      timeout: 0,
      ephemeralCache: false,
      analytics: false,
    });
    byName.set(name, rl);
  }
  return rl;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;
function windowMs(name: LimiterName): number {
  const [n, unit] = LIMITS[name].window.split(' ') as [string, keyof typeof UNIT_MS];
  return Number(n) * UNIT_MS[unit];
}

const isLimiter = (name: string): name is LimiterName => Object.hasOwn(LIMITS, name);

/** How counts and locks taken in the database during an outage go back into the store. */
export const writeBackTo: WriteBack = {
  limiter: (s, name) => (isLimiter(name) ? limiter(s, name) : undefined),
  tokens: (name) => (isLimiter(name) ? LIMITS[name].tokens : undefined),
  // Called, not copied: ./lock.ts and this module import each other.
  lockKey: (name, id) => lockKey(name, id),
};

type Counted = { success: boolean; remaining: number; reset: number };
const REFUND_MARGIN_MS = 2_000;

/**
 * Take one attempt from a limiter. When the configured store fails or times out, the same limit
 * is counted in the database, shared by every instance (./backend.ts): degraded, never open.
 */
export async function consume(name: LimiterName, id: string): Promise<Attempt> {
  const { tokens } = LIMITS[name];
  const ms = windowMs(name);
  const [result, add] = await onStoreOrFallback<[Counted, (rate: number) => Promise<unknown>]>(
    async (s) => [
      await limiter(s, name).limit(id),
      (rate) => withTimeout(limiter(s, name).limit(id, { rate })),
    ],
    async () => [
      await fallbackLimit(name, id, tokens, ms),
      (rate) => fallbackLimit(name, id, tokens, ms, rate),
    ],
    writeBackTo,
  );
  if (!result.success) return { allowed: false, retryAt: result.reset, limiter: name };
  const windowEnds = result.reset;
  return {
    allowed: true,
    remaining: result.remaining,
    exhausted: result.remaining === 0 ? [name] : [],
    // Give the attempt back (a success, or a fault on our side) where it was taken; past its
    // window it no longer counts.
    refund: async () => {
      // Close to its window's end the refund would land in the next window (the store works out
      // the window when it is called) and grant an extra attempt there: not given back.
      if (Date.now() >= windowEnds - REFUND_MARGIN_MS) return;
      try {
        await add(-1);
      } catch (error) {
        console.warn(`latchkey: could not refund a rate-limit attempt: ${describeFailure(error)}`);
      }
    },
  };
}

/**
 * Take one attempt from each limiter; if any refuses, give back what the others took and report
 * the latest time at which all would allow it again.
 */
export async function consumeAll(checks: { name: LimiterName; id: string }[]): Promise<Attempt> {
  let attempts: Attempt[] = [];
  if (storeUsable()) {
    attempts = await Promise.all(checks.map((c) => consume(c.name, c.id)));
  } else {
    // Counting in the database: one at a time, stopping at the first refusal, so a refused
    // request leaves no row under a key its sender chose (callers put the per-IP limit first).
    for (const [i, c] of checks.entries()) {
      const attempt = await consume(c.name, c.id);
      attempts.push(attempt);
      if (attempt.allowed) continue;
      // The others are only looked at, for the latest time at which all would allow again.
      for (const rest of checks.slice(i + 1)) {
        const { tokens } = LIMITS[rest.name];
        const seen = await fallbackPeek(rest.name, rest.id, tokens, windowMs(rest.name)).catch(() => null);
        if (seen && !seen.success) attempts.push({ allowed: false, retryAt: seen.reset, limiter: rest.name });
      }
      break;
    }
  }
  const refused = attempts.filter((a) => !a.allowed);
  if (refused.length > 0) {
    await Promise.all(attempts.map((a) => (a.allowed ? a.refund() : undefined)));
    return refused.reduce((latest, a) => (a.retryAt > latest.retryAt ? a : latest));
  }
  return {
    allowed: true,
    remaining: Math.min(...attempts.map((a) => (a.allowed ? a.remaining : 0))),
    exhausted: attempts.flatMap((a) => (a.allowed ? a.exhausted : [])),
    refund: async () => {
      await Promise.all(attempts.map((a) => (a.allowed ? a.refund() : undefined)));
    },
  };
}

/**
 * Forget every attempt counted under `id` by one limiter, wherever it was counted: the
 * configured store, the database (during an outage) and this process. For when what was being
 * guessed no longer exists: after a password reset, failures against the old password mean
 * nothing, and the owner should not wait out a lockout a guesser caused. A failure is logged,
 * never thrown: the change that asked for it has already happened.
 */
export async function clearAttempts(name: LimiterName, id: string): Promise<void> {
  const quietly = (what: string, work: () => Promise<unknown>) =>
    work().catch((error: unknown) =>
      console.warn(`latchkey: could not clear rate-limit ${what}: ${describeFailure(error)}`),
    );
  const stores = [...new Set([store(), memoryStore()])];
  await Promise.all([
    lockMsOf(name) !== undefined ? quietly('lock', () => endLock(name, id)) : undefined,
    ...stores.map((s) =>
      quietly(`attempts (${s.kind})`, () => withTimeout(limiter(s, name).resetUsedTokens(id))),
    ),
    store().kind === 'memory'
      ? undefined
      : quietly('attempts (database)', () => fallbackReset(name, id, windowMs(name))),
  ]);
}

export type Limit = { name: LimiterName; id: string };
/** A refusal, naming the limiter that refused (for the audit log; the person is told only when). */
export type RateLimitedBy = RateLimited & { limiter: LimiterName };

/**
 * Run a guessable or costly step under limiters: check → consume → run → give back. The attempt is
 * taken atomically before the step (so concurrent tries cannot exceed the limit) and given back
 * when the step throws (a fault of ours was never a guess) or when `counts` says its result does
 * not count, by default a success (pilcrow's order). Steps whose every run counts (each sends a
 * mail, each creates an account) pass `() => true`. A limiter with `lockMs` is locked for that
 * long by the counted attempt that used its last token (./lock.ts), and refuses while locked.
 */
export async function guarded<R extends { ok: boolean }>(
  limits: Limit | Limit[],
  step: (attempt: { remaining: number }) => Promise<R>,
  counts: (result: R) => boolean = (result) => !result.ok,
): Promise<R | RateLimitedBy> {
  const list = Array.isArray(limits) ? limits : [limits];
  const locking = list.filter((l) => lockMsOf(l.name) !== undefined);
  for (const l of locking) {
    const until = await lockedUntil(l.name, l.id);
    if (until) return { ok: false, kind: 'rate_limited', retryAt: until, limiter: l.name };
  }
  const attempt =
    list.length === 1 && list[0] ? await consume(list[0].name, list[0].id) : await consumeAll(list);
  if (!attempt.allowed) {
    return { ok: false, kind: 'rate_limited', retryAt: attempt.retryAt, limiter: attempt.limiter };
  }
  let result: R;
  try {
    result = await step({ remaining: attempt.remaining });
  } catch (error) {
    await attempt.refund();
    throw error;
  }
  if (!counts(result)) {
    await attempt.refund();
    return result;
  }
  for (const l of locking) {
    const ms = lockMsOf(l.name);
    if (ms !== undefined && attempt.exhausted.includes(l.name)) await startLock(l.name, l.id, ms);
  }
  return result;
}

function lockMsOf(name: LimiterName): number | undefined {
  const limit = LIMITS[name];
  return 'lockMs' in limit ? limit.lockMs : undefined;
}
