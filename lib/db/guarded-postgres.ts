import 'server-only';
import type { Sql, TransactionSql } from 'postgres';
import { describeFailure } from '@/lib/log';
import { admitQuery, failedBeforeSending, recordAnswer, recordFailure } from './health';
import { DatabaseUnavailableError, findDatabaseUnavailable } from './outage';
import { noteMaybeWritten } from './write-tracking';

/**
 * postgres.js has no client-side query timeout: on a server that accepts TCP but never answers
 * (hung, paused, or behind a dropped network path) a query waits until TCP keepalive gives up,
 * minutes later. Every statement and every transaction phase here gets a deadline instead.
 * It is above the server's statement_timeout (lib/db/client.ts), so a merely slow statement is
 * ended by the server (an answer: not an outage) before this deadline calls the server hung.
 */
export const QUERY_TIMEOUT_MS = 5_000;

class QueryTimeoutError extends Error {
  readonly code = 'QUERY_TIMEOUT';
  constructor() {
    super(`no answer from the database within ${QUERY_TIMEOUT_MS} ms`);
    this.name = 'QueryTimeoutError';
  }
}

// A statement that starts with one of these only reads; anything else counts as a write.
const READ_ONLY = /^\s*(select|show|values)\b/i;

type Runnable<T> = () => PromiseLike<T>;

/** The subset of postgres.js that drizzle's postgres-js session uses. */
type Client = Pick<Sql, 'unsafe'> & {
  begin?: Sql['begin'];
  savepoint?: TransactionSql['savepoint'];
};

/**
 * Wraps postgres.js for drizzle: every statement passes the circuit breaker (lib/db/health.ts),
 * gets a deadline, and reports its outcome, so the breaker trips from any query anywhere.
 * A connection-class failure surfaces as DatabaseUnavailableError. After a deadline passes, the
 * pool is replaced: its connections may be stuck on a dead socket for as long as TCP allows.
 */
export function guardedPostgres(
  create: () => Sql,
  /** The pool's size: at most this many statements or transactions run at once. */
  slots = 10,
): { client: Sql; end: () => Promise<void> } {
  let current = create();
  // Waiting for a free connection is not the server failing to answer: requests queue here,
  // before their deadline starts, so a busy pool never looks like an outage.
  const pool = semaphore(slots);

  function replacePool() {
    const old = current;
    current = create();
    // drizzle registered its type parsers on the first client's options; carry them over.
    Object.assign(current.options.parsers, old.options.parsers);
    Object.assign(current.options.serializers, old.options.serializers);
    // timeout 0: destroy the connections now, rejecting what waits on them.
    old.end({ timeout: 0 }).catch(() => {});
  }

  // After a restart of the server, pooled connections can be dead without postgres.js knowing
  // (CONNECTION_CLOSED on write): with one probe every few seconds, ten of them would keep the
  // breaker open for most of a minute. So a connection-class failure starts a fresh pool, at
  // most once a second (a burst of failures during an outage replaces it once).
  let replacedAt = 0;
  function fail(error: unknown): never {
    if (recordFailure(error)) {
      const ours = findDatabaseUnavailable(error);
      if (ours) throw ours;
      if (Date.now() - replacedAt > 1_000) {
        replacedAt = Date.now();
        replacePool();
      }
      throw new DatabaseUnavailableError(describeFailure(error));
    }
    throw error;
  }

  /**
   * Top-level work takes a pool slot, then passes the breaker. `admitted`: inside a transaction
   * that already holds its slot and was let in (it may be the probe itself).
   */
  async function inSlot<T>(admitted: boolean, work: () => Promise<T>): Promise<T> {
    if (admitted) return work();
    await pool.acquire();
    try {
      admitQuery();
      return await work();
    } finally {
      pool.release();
    }
  }

  function statement<T>(run: Runnable<T>, write: boolean, admitted: boolean): Promise<T> {
    return inSlot(admitted, () => deadlined(run, write));
  }

  async function deadlined<T>(run: Runnable<T>, write: boolean): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueryTimeoutError()), QUERY_TIMEOUT_MS);
    });
    try {
      const result = await Promise.race([run(), deadline]);
      recordAnswer();
      if (write) noteMaybeWritten();
      return result;
    } catch (error) {
      if (write && !failedBeforeSending(error)) noteMaybeWritten();
      return fail(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A transaction (or savepoint): BEGIN and COMMIT each get the deadline; the callback's own
   * statements get theirs one by one, so a long but live transaction is not cut short.
   */
  function transaction<T>(
    start: (body: (tx: TransactionSql) => Promise<T>) => Promise<unknown>,
    body: (tx: Client) => Promise<T>,
    admitted: boolean,
  ): Promise<T> {
    return inSlot(admitted, () => bounded(start, body));
  }

  function bounded<T>(
    start: (body: (tx: TransactionSql) => Promise<T>) => Promise<unknown>,
    body: (tx: Client) => Promise<T>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      let committing = false;
      const settle = (error: unknown, value?: T) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (committing) noteMaybeWritten();
        if (error === undefined) {
          recordAnswer();
          resolve(value as T);
          return;
        }
        try {
          fail(error);
        } catch (thrown) {
          reject(thrown);
        }
      };
      const arm = () => {
        timer = setTimeout(() => settle(new QueryTimeoutError()), QUERY_TIMEOUT_MS);
      };
      arm();
      start(async (tx) => {
        clearTimeout(timer);
        // Given up on already (BEGIN came too late): roll back rather than run unobserved.
        if (settled) throw new Error('transaction abandoned after its deadline');
        const value = await body(wrap(tx));
        // The COMMIT goes out now: from here the transaction may have taken effect.
        committing = true;
        arm();
        return value;
      }).then(
        (value) => settle(undefined, value as T),
        (error) => settle(error ?? new Error('transaction failed')),
      );
    });
  }

  function wrap(sql: TransactionSql): Client {
    return {
      unsafe: ((query: string, params?: unknown[], options?: object) =>
        pending(() => sql, query, params, options, true)) as unknown as Sql['unsafe'],
      savepoint: ((body: (tx: Client) => Promise<unknown>) =>
        transaction((inner) => sql.savepoint(inner), body, true)) as unknown as TransactionSql['savepoint'],
    };
  }

  /** What `unsafe` returns: awaited as is (row objects) or through `.values()` (arrays). */
  function pending(
    sql: () => Pick<Sql, 'unsafe'>,
    query: string,
    params: unknown[] | undefined,
    options: object | undefined,
    admitted: boolean,
  ) {
    const write = !READ_ONLY.test(query);
    const run = (values: boolean) =>
      statement(
        () => {
          const q = sql().unsafe(query, params as never, options);
          return values ? q.values() : q;
        },
        write,
        admitted,
      );
    return {
      values: () => run(true),
      // biome-ignore lint/suspicious/noThenProperty: drizzle awaits what unsafe() returns.
      then: (ok?: (rows: unknown) => unknown, ko?: (error: unknown) => unknown) => run(false).then(ok, ko),
    };
  }

  const client = {
    get options() {
      return current.options;
    },
    unsafe: (query: string, params?: unknown[], options?: object) =>
      pending(() => current, query, params, options, false),
    begin: (body: (tx: Client) => Promise<unknown>) =>
      transaction((inner) => current.begin(inner), body, false),
  };
  // Bounded: a pool left with connections to a server that went away must not hold up shutdown.
  return { client: client as unknown as Sql, end: () => current.end({ timeout: 2 }) };
}

/** At most `n` at once; the rest wait their turn, first come first served. */
function semaphore(n: number): { acquire: () => Promise<void>; release: () => void } {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    acquire: () => {
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
