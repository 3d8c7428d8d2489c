import 'server-only';
import { describeFailure } from '@/lib/log';
import { DatabaseUnavailableError, findDatabaseUnavailable, isDatabaseUnavailable } from './outage';

/**
 * A circuit breaker for the database. Without it every request during an outage waits for its
 * own connect or query timeout (seconds each, the pool's queue behind it); with it, the first
 * connection-class failure marks the database down, and until the interval has passed every
 * query fails at once with DatabaseUnavailableError. Then one query is let through as a probe:
 * an answer (any answer, an error from the server too) closes the breaker, a connection-class
 * failure opens it again. Recovery therefore needs no restart.
 *
 * The state lives on globalThis under a registered symbol: server.mjs (lib/http/unavailable.mjs)
 * reads it to answer a failed request 503 instead of 500, and Next's bundles share it with it.
 */
export const BREAKER_INTERVAL_MS = 5_000;

export type HealthState = {
  /** When the database was marked down; null while it answers. */
  downSince: number | null;
  /** When the next probe may go through. */
  retryAt: number;
  probing: boolean;
  intervalMs: number;
  reason: string;
};

const KEY = Symbol.for('latchkey.dbHealth');
const holder = globalThis as typeof globalThis & { [KEY]?: HealthState };

function state(): HealthState {
  holder[KEY] ??= {
    downSince: null,
    retryAt: 0,
    probing: false,
    intervalMs: BREAKER_INTERVAL_MS,
    reason: '',
  };
  return holder[KEY];
}

// Errors that say nothing about the query and everything about the way to the server.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'QUERY_TIMEOUT',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (starting or stopping).
  '57P01',
  '57P02',
  '57P03',
]);

/** Codes that mean the statement never reached the server: a write cannot have happened. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECT_TIMEOUT',
  '57P03',
]);

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'DATABASE_UNAVAILABLE') return code;
    current = current.cause;
  }
  return undefined;
}

export function isConnectionFailure(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true;
  const code = codeOf(error);
  // SQLSTATE class 08: connection exception.
  return code !== undefined && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code));
}

/** The failure happened before the statement could be sent (so it changed nothing). */
export function failedBeforeSending(error: unknown): boolean {
  // Ours comes from the breaker, before anything was sent, or wraps a failure already counted
  // (whichever bundle's copy of the class: ./outage.ts).
  if (error !== undefined && findDatabaseUnavailable(error) === error) return true;
  const code = codeOf(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/**
 * Call before every query: throws at once while the database is known down; once the interval
 * has passed, lets exactly one query through as the probe (its outcome decides the breaker).
 */
export function admitQuery(now = Date.now()): void {
  const s = state();
  if (s.downSince === null) return;
  if (s.probing || now < s.retryAt) throw new DatabaseUnavailableError(`known down: ${s.reason}`);
  s.probing = true;
}

/** The server answered (a result, or an error of its own such as a constraint violation). */
export function recordAnswer(): void {
  const s = state();
  if (s.downSince !== null) console.info('latchkey: database answers again');
  s.downSince = null;
  s.probing = false;
}

/** Returns true when the failure was connection-class (and the breaker is now open). */
export function recordFailure(error: unknown, now = Date.now()): boolean {
  if (!isConnectionFailure(error)) {
    recordAnswer();
    return false;
  }
  const s = state();
  // Already counted where it was first seen (a statement inside a transaction).
  if (isDatabaseUnavailable(error) && s.downSince !== null && !s.probing) return true;
  if (s.downSince === null) console.error('latchkey: database unavailable:', describeFailure(error));
  s.downSince ??= now;
  s.probing = false;
  s.retryAt = now + s.intervalMs;
  s.reason = describeFailure(error).slice(0, 120);
  return true;
}

/** The non-consuming check, for db(): throws while down, never takes the probe's place. */
export function assertNotKnownDown(now = Date.now()): void {
  const s = state();
  if (s.downSince !== null && (s.probing || now < s.retryAt)) {
    throw new DatabaseUnavailableError(`known down: ${s.reason}`);
  }
}

export function databaseKnownDown(): boolean {
  return state().downSince !== null;
}

/** For tests: forget any outage, and optionally change the interval. */
export function resetHealth(intervalMs = BREAKER_INTERVAL_MS): void {
  holder[KEY] = { downSince: null, retryAt: 0, probing: false, intervalMs, reason: '' };
}
