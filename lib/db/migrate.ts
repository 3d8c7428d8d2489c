import 'server-only';
import path from 'node:path';
import type { Db } from './client';

const migrationsFolder = path.join(process.cwd(), 'drizzle');
// Any fixed 64-bit number: several instances starting at once migrate one after another.
const MIGRATION_LOCK_ID = 7_301_146_221;

export async function migratePglite(db: Db): Promise<void> {
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  await migrate(db as never, { migrationsFolder });
}

export async function migratePostgres(url: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  // A connect timeout, so a start against a dead server fails in seconds; no statement
  // timeout, since a migration may rightly take long.
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.end();
  }
}
