import 'server-only';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { env } from '@/lib/env';
import * as schema from './schema';

/** One type for both drivers, so every query is written once. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

type Handle = { db: Db; kind: 'postgres' | 'pglite'; ready: Promise<void>; close: () => Promise<void> };

// Hot reloads re-evaluate modules; the PGlite directory must be opened by one instance per
// process, so the handle lives on globalThis.
const globalForDb = globalThis as typeof globalThis & { __latchkeyDb?: Handle };

async function open(): Promise<Handle> {
  const { DATABASE_URL, PGLITE_DIR } = env();
  if (DATABASE_URL) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const client = postgres(DATABASE_URL, { max: 10, onnotice: () => {} });
    const db = drizzle(client, { schema }) as unknown as Db;
    const { migratePostgres } = await import('./migrate');
    return { db, kind: 'postgres', ready: migratePostgres(DATABASE_URL), close: () => client.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (!PGLITE_DIR.includes('://')) {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(PGLITE_DIR, { recursive: true });
  }
  const client = new PGlite(PGLITE_DIR);
  const db = drizzle(client, { schema }) as unknown as Db;
  const { migratePglite } = await import('./migrate');
  return { db, kind: 'pglite', ready: migratePglite(db), close: () => client.close() };
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
    throw error;
  }
}

/** The database, migrated. Every query goes through this. */
export async function db(): Promise<Db> {
  return (await handle()).db;
}

export async function dbKind(): Promise<'postgres' | 'pglite'> {
  return (await handle()).kind;
}

/** For tests and scripts: close the connection so the process can exit. */
export async function closeDb(): Promise<void> {
  const h = globalForDb.__latchkeyDb;
  globalForDb.__latchkeyDb = undefined;
  opening = undefined;
  if (h) await h.close();
}
