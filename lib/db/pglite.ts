import 'server-only';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import v8 from 'node:v8';
import type { PGlite } from '@electric-sql/pglite';
import { lockPgliteDirectory } from './pglite-lock';

/**
 * PGlite runs PostgreSQL inside this process, in one WebAssembly memory that grows and never
 * shrinks, and PostgreSQL touches all of its shared memory at start-up: every setting sized for
 * a database server becomes resident memory of the app. With PGlite's defaults (shared_buffers
 * 128MB, max_connections 100) the memory grows from its fixed 128 MB start to 189 MB, 151 MB of
 * it resident before the first query; with these, 12 MB of shared memory and 17 MB resident.
 * 8MB of buffers holds the app's hot pages; a page not in them is read from the directory
 * through the kernel's page cache (query latency alike with 128MB, 16MB and 8MB, December
 * 2026). PGlite serves one connection, so 10 only sizes the lock and process tables. work_mem
 * (4MB), temp_buffers (8MB) and maintenance_work_mem (64MB) are taken only while a query needs
 * them and wal_buffers follows shared_buffers, so they keep PostgreSQL's defaults.
 * Durability is PGlite's own and unchanged: it always runs PostgreSQL with fsync off (`-F` in its
 * default start parameters), before and after this.
 */
export const PGLITE_SETTINGS = { shared_buffers: '8MB', max_connections: '10' } as const;

/** PGlite's own start parameters, then ours as `-c name=value`. */
function startParams(pglite: typeof PGlite): string[] {
  return [
    ...pglite.defaultStartParams,
    ...Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
}

const INITDB = `const { PGlite } = require('@electric-sql/pglite');
PGlite.create(process.argv[1]).then((pg) => pg.close()).catch((error) => {
  console.error(error);
  process.exit(1);
});`;

/**
 * A new directory gets its cluster from a short-lived child process. PGlite creates one by
 * running initdb in a second, in-memory PostgreSQL and copying the result over: two more
 * WebAssembly memories and a tarball of the cluster, held past two forced collections. In one
 * process that peaked at 750 MB and still held 330–490 MB after 2,000 queries; with the child,
 * 220 MB and 155–200 MB (PGlite alone, December 2026). The child gives it all back when it
 * exits. It resolves PGlite from the working directory, as migrate.ts finds drizzle/.
 */
async function createCluster(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  mkdirSync(dir, { recursive: true });
  await promisify(execFile)(process.execPath, ['-e', INITDB, dir], {
    cwd: process.cwd(),
    timeout: 120_000,
  });
}

/**
 * V8 settings for a process that holds its database. They are process-wide, so they are set
 * only when the database is PGlite, before its WebAssembly module is compiled.
 * --liftoff-only: V8 compiles WebAssembly with Liftoff, then recompiles hot functions with
 * TurboFan on background threads; for PostgreSQL's large functions those compilations leave
 * ~65 MB in the allocator's thread arenas for good. Liftoff's code costs ~10% per query in a
 * steady state (insert, select, update: ~300-500 µs each, 30-50 µs more), which requests do
 * not show (sign-in and page throughput alike), and no compilation competes with them after
 * start.
 * --heap-growing-percent=30: V8 lets the old generation grow up to 4× what survived the last
 * full collection before the next one; under the bench's page load that was ~350 MB of heap for
 * ~100 MB of live objects. 1.3× keeps it near 150 MB: 7-8 incremental full collections per
 * 15 s of page load instead of 1, the same 0.6 ms of collection per page on the main thread, and
 * page throughput within the noise of a shared machine. 1.15× saved another 15 MB for ~10% of
 * the throughput (December 2026).
 */
const V8_FLAGS = ['--liftoff-only', '--heap-growing-percent=30'];

/**
 * How long opening a directory waits for another process to let go of it: the admin command
 * line holds it while it opens the database, checks its migrations and makes one change (a few
 * seconds; over 15 on a machine busy with builds), so a server started meanwhile waits it out.
 * A server holds it until it stops: a second server gives up after this.
 */
export const PGLITE_LOCK_WAIT_MS = 30_000;

/**
 * The embedded database at `dir` (a directory, or a PGlite URL such as `memory://`). A directory
 * is locked for this process first, and unlocked when the database is closed (or the process
 * exits); PgliteLockedError if another process holds it past `lockWaitMs`.
 */
export async function openPglite(dir: string, { lockWaitMs = PGLITE_LOCK_WAIT_MS } = {}): Promise<PGlite> {
  for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
  const { PGlite } = await import('@electric-sql/pglite');
  if (dir.includes('://')) return PGlite.create(dir, { startParams: startParams(PGlite) });
  const lock = await lockPgliteDirectory(dir, { waitMs: lockWaitMs });
  try {
    await createCluster(dir);
    const pg = await PGlite.create(dir, { startParams: startParams(PGlite) });
    // Every caller closes through close(), so the lock goes with it and no caller can forget.
    const close = pg.close.bind(pg);
    pg.close = () => close().finally(lock.release);
    return pg;
  } catch (error) {
    lock.release();
    throw error;
  }
}
