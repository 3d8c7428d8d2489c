import 'server-only';
import { randomUUID } from 'node:crypto';
import { chmodSync, linkSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One process at a time per PGlite directory. PGlite is PostgreSQL inside the process, without
 * the postmaster that stops a second server from opening a data directory: two processes on one
 * directory each cache pages and write WAL as if alone, and corrupt it. So whoever opens a
 * directory (the server, `npm run admin:grant`, a test) first takes this lock, and the admin
 * command line talks to a server that holds it instead of opening the files (lib/admin).
 *
 * The lock is a file holding the owner's pid, created with link(2), which is atomic and fails if
 * the name exists: the file is always complete when it appears (no half-written lock to guess
 * about), and no flock binding is needed. A lock whose owner has died (crash, SIGKILL, power) is
 * stale and is taken over; on Linux the owner's start time is recorded too, so a pid reused by an
 * unrelated process (a restarted container, where the server gets the same small pid) does not
 * keep the lock alive.
 */

/** Where a directory's lock and admin socket live: next to it, never inside PostgreSQL's files. */
export function runDirectory(dir: string): string {
  return `${resolve(dir)}.run`;
}

/**
 * The run directory, created if missing, refused unless it is a real directory of this user that
 * nobody else can enter: its socket is the admin command line's authentication (lib/admin).
 */
export function ensureRunDirectory(dir: string): string {
  const run = runDirectory(dir);
  try {
    mkdirSync(run, { recursive: true, mode: 0o700 });
  } catch (error) {
    // Something other than a directory by that name: refused below with its reason.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = lstatSync(run);
  if (!stat.isDirectory()) throw new Error(`${run} is not a directory`);
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new Error(`${run} belongs to another user`);
  }
  // mkdir's mode passes through the umask, and an older directory may have been opened up.
  if ((stat.mode & 0o077) !== 0) chmodSync(run, 0o700);
  return run;
}

export class PgliteLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`The database directory ${dir} is in use by process ${pid}`);
    this.name = 'PgliteLockedError';
  }
}

type Holder = { pid: number; start: string | null; token: string };

// Locks this process holds, by file: on globalThis because Next bundles lib/ more than once.
const globalForLocks = globalThis as typeof globalThis & { __latchkeyPgliteLocks?: Map<string, string> };
globalForLocks.__latchkeyPgliteLocks ??= new Map();
const held = globalForLocks.__latchkeyPgliteLocks;

/** The process's start time in clock ticks since boot (Linux); null where /proc is absent. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: Holder, file: string): boolean {
  // Our own pid on a lock we do not hold: a previous life of this process id (a container
  // restarted on the same volume), not a second opener in this process.
  if (holder.pid === process.pid) return held.has(file);
  // Never kill(0) or kill(-1): those address process groups, not a process.
  if (!(holder.pid > 0)) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(holder.pid);
  return holder.start === null || now === null || now === holder.start;
}

function readHolder(file: string): Holder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return null;
    return {
      pid: parsed.pid,
      start: typeof parsed.start === 'string' ? parsed.start : null,
      token: parsed.token,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Not ours to judge (not JSON): treated as a dead owner's, since link(2) never shows a
    // partial file, so only something other than this module could have written it.
    return { pid: -1, start: null, token: '' };
  }
}

/** link(2) a complete file holding `content` to `target`; false if the name exists. */
function linkNew(target: string, content: string): boolean {
  const temp = `${target}.${process.pid}.${randomUUID()}`;
  writeFileSync(temp, content, { mode: 0o600 });
  try {
    linkSync(temp, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * One attempt, synchronous so nothing else in this process runs in between: the lock, or the
 * live process that holds it. A stale lock is replaced under a second, short-lived lock
 * (`.takeover`), so two processes that both find it stale cannot both remove it and each take
 * the other's fresh one for stale.
 */
function tryLock(file: string, mine: Holder): { ok: true } | { ok: false; pid: number } {
  const content = JSON.stringify(mine);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (linkNew(file, content)) return { ok: true };
    const holder = readHolder(file);
    if (!holder) continue; // released meanwhile
    if (isAlive(holder, file)) return { ok: false, pid: holder.pid };
    const guard = `${file}.takeover`;
    if (!linkNew(guard, content)) {
      const other = readHolder(guard);
      // Its owner died during the few microseconds a takeover lasts: clear it and try again.
      if (other && !isAlive(other, guard)) rmSync(guard, { force: true });
      else if (other) return { ok: false, pid: other.pid };
      continue;
    }
    try {
      if (readHolder(file)?.token === holder.token) rmSync(file, { force: true });
      if (linkNew(file, content)) return { ok: true };
    } finally {
      rmSync(guard, { force: true });
    }
  }
  const holder = readHolder(file);
  return { ok: false, pid: holder?.pid ?? -1 };
}

export type PgliteLock = { file: string; release: () => void };

/**
 * Take the lock on `dir`, waiting up to `waitMs` for a live holder to let go (a command-line
 * change takes a second or two; a server holds it until it stops). Throws PgliteLockedError.
 */
export async function lockPgliteDirectory(dir: string, { waitMs = 0 } = {}): Promise<PgliteLock> {
  const file = join(ensureRunDirectory(dir), 'lock');
  if (held.has(file)) throw new PgliteLockedError(dir, process.pid);
  const mine: Holder = { pid: process.pid, start: startTime(process.pid), token: randomUUID() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    const result = tryLock(file, mine);
    if (result.ok) break;
    if (Date.now() >= deadline) throw new PgliteLockedError(dir, result.pid);
    await sleep(100);
  }
  held.set(file, mine.token);
  const release = () => {
    if (held.get(file) !== mine.token) return;
    held.delete(file);
    process.off('exit', release);
    // Only our own: never remove a lock that was (wrongly) taken over from under us.
    if (readHolder(file)?.token === mine.token) rmSync(file, { force: true });
  };
  // A process that exits without closing the database no longer uses its files either.
  process.on('exit', release);
  return { file, release };
}

/** The live process holding `dir`, if any (the admin command line asks before waiting). */
export function pgliteHolder(dir: string): number | null {
  const file = join(runDirectory(dir), 'lock');
  const holder = readHolder(file);
  return holder && isAlive(holder, file) ? holder.pid : null;
}
