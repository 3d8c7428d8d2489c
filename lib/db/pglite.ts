import 'server-only';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite runs PostgreSQL inside this process, in one WebAssembly memory that grows and never
 * shrinks, so a setting sized for a database server becomes resident memory of the app.
 * shared_buffers is the one that costs at rest: PGlite's default (128MB) grows the memory from
 * its fixed 128 MB start to 189 MB and PostgreSQL touches all of it at start-up (151 MB
 * resident before the first query); at 16MB, 29 MB is resident. A page not in the buffers is
 * read from the directory through the kernel's page cache, so the app's few megabytes of data
 * lose nothing measurable (query latency alike in both, December 2026). work_mem (4MB),
 * temp_buffers (8MB) and maintenance_work_mem (64MB) are taken only while a query needs them and
 * wal_buffers follows shared_buffers, so they stay at PostgreSQL's defaults.
 * Durability is PGlite's own and unchanged: it always runs PostgreSQL with fsync off (`-F` in its
 * default start parameters), before and after this.
 */
export const PGLITE_SETTINGS = { shared_buffers: '16MB' } as const;

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

/** The embedded database at `dir` (a directory, or a PGlite URL such as `memory://`). */
export async function openPglite(dir: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (!dir.includes('://')) await createCluster(dir);
  return PGlite.create(dir, { startParams: startParams(PGlite) });
}
