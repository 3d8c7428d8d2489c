import 'server-only';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { env } from '@/lib/env';
import { describeFailure } from '@/lib/log';
import type { ChangeHandlers, ChangeWatcher } from './changes';
import { assertNotKnownDown, recordFailure } from './health';
import { DatabaseUnavailableError, findDatabaseUnavailable } from './outage';
import * as schema from './schema';

/** One type for both drivers, so every query is written once. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

type Handle = {
  db: Db;
  kind: 'postgres' | 'pglite';
  ready: Promise<void>;
  close: () => Promise<void>;
  /** Starts the session-change watcher (lib/db/changes.ts); one per handle, closed with it. */
  watch: (handlers: ChangeHandlers) => Promise<ChangeWatcher>;
  watcher?: Promise<ChangeWatcher>;
};

// Hot reloads re-evaluate modules; the PGlite directory must be opened by one instance per
// process, so the handle lives on globalThis.
const globalForDb = globalThis as typeof globalThis & { __latchkeyDb?: Handle };

/**
 * How long PostgreSQL may take, so an outage answers in seconds instead of hanging requests
 * (lib/db/guarded-postgres.ts adds the client-side deadline for a server that never answers).
 * connect_timeout covers TCP and the start-up exchange, in seconds. The server ends a statement
 * after statement_timeout (below that deadline, so slow is not mistaken for down) and a session
 * left idle inside a transaction after idle_in_transaction_session_timeout, so a request that
 * died mid-transaction does not hold its locks.
 */
export const POSTGRES_LIMITS = {
  connect_timeout: 3,
  connection: {
    application_name: 'latchkey',
    statement_timeout: 4_000,
    idle_in_transaction_session_timeout: 10_000,
  },
} as const;

/**
 * drizzle wraps every query failure in its DrizzleQueryError (whose message carries the query's
 * parameters); an outage is passed on as the DatabaseUnavailableError itself, so the error pages
 * recognise it by its digest and no parameter travels with it.
 */
function unwrapOutages(db: Db): Db {
  const session = (db as unknown as { session: Record<string, unknown> }).session;
  const rethrow = (error: unknown): never => {
    throw findDatabaseUnavailable(error) ?? error;
  };
  const prepareQuery = (session.prepareQuery as (...args: unknown[]) => Record<string, unknown>).bind(
    session,
  );
  session.prepareQuery = (...args: unknown[]) => {
    const prepared = prepareQuery(...args);
    for (const method of ['execute', 'all'] as const) {
      const original = (prepared[method] as (...a: unknown[]) => Promise<unknown>).bind(prepared);
      prepared[method] = (...a: unknown[]) => original(...a).catch(rethrow);
    }
    return prepared;
  };
  const transaction = (session.transaction as (...args: unknown[]) => Promise<unknown>).bind(session);
  session.transaction = (...args: unknown[]) => transaction(...args).catch(rethrow);
  return db;
}

async function open(): Promise<Handle> {
  const { DATABASE_URL, PGLITE_DIR } = env();
  if (DATABASE_URL) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { guardedPostgres } = await import('./guarded-postgres');
    const pool = guardedPostgres(() =>
      postgres(DATABASE_URL, { max: 10, onnotice: () => {}, ...POSTGRES_LIMITS }),
    );
    const db = unwrapOutages(drizzle(pool.client, { schema }) as unknown as Db);
    const { migratePostgres } = await import('./migrate');
    return {
      db,
      kind: 'postgres',
      ready: migratePostgres(DATABASE_URL),
      close: pool.end,
      watch: async (handlers) => (await import('./changes')).watchPostgres(handlers),
    };
  }
  const { drizzle } = await import('drizzle-orm/pglite');
  const { openPglite } = await import('./pglite');
  const client = await openPglite(PGLITE_DIR);
  const db = drizzle(client, { schema }) as unknown as Db;
  const { migratePglite } = await import('./migrate');
  return {
    db,
    kind: 'pglite',
    ready: migratePglite(db),
    close: () => client.close(),
    watch: async (handlers) =>
      (await import('./changes')).watchPglite(
        (channel, callback) => client.listen(channel, callback),
        handlers,
      ),
  };
}

let opening: Promise<Handle> | undefined;

async function handle(): Promise<Handle> {
  if (globalForDb.__latchkeyDb) return globalForDb.__latchkeyDb;
  opening ??= open().then(async (h) => {
    await h.ready;
    globalForDb.__latchkeyDb = h;
    return h;
  });
  try {
    return await opening;
  } catch (error) {
    opening = undefined;
    // Opening (connecting, migrating) failed for want of a server: the same outage as a query's.
    if (env().DATABASE_URL && recordFailure(error))
      throw findDatabaseUnavailable(error) ?? new DatabaseUnavailableError(describeFailure(error));
    throw error;
  }
}

/**
 * The database, migrated. Every query goes through this. While the database is known down it
 * throws DatabaseUnavailableError at once rather than letting the caller queue up behind it.
 */
export async function db(): Promise<Db> {
  assertNotKnownDown();
  return (await handle()).db;
}

export async function dbKind(): Promise<'postgres' | 'pglite'> {
  return (await handle()).kind;
}

/**
 * The database's session-change notifications (lib/db/changes.ts), watched once per open
 * database: the first caller's handlers receive them.
 */
export async function watchSessionChanges(handlers: ChangeHandlers): Promise<ChangeWatcher> {
  const h = await handle();
  h.watcher ??= h.watch(handlers).catch((error) => {
    h.watcher = undefined;
    throw error;
  });
  return h.watcher;
}

/** For tests and scripts: close the connection so the process can exit. */
export async function closeDb(): Promise<void> {
  const h = globalForDb.__latchkeyDb;
  globalForDb.__latchkeyDb = undefined;
  opening = undefined;
  if (!h) return;
  await (await h.watcher?.catch(() => undefined))?.close();
  await h.close();
}
