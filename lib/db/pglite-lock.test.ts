import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ensureRunDirectory,
  lockPgliteDirectory,
  PgliteLockedError,
  pgliteHolder,
  runDirectory,
} from './pglite-lock';

const root = mkdtempSync(join(tmpdir(), 'latchkey-lock-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
const newDir = () => join(root, `db${++n}`);
const lockFile = (dir: string) => join(runDirectory(dir), 'lock');

/** A lock file as another process would have left it. */
function plantLock(dir: string, pid: number, start: string | null = null): void {
  ensureRunDirectory(dir);
  writeFileSync(lockFile(dir), JSON.stringify({ pid, start, token: `planted-${pid}` }));
}

/** A process that lives until the tests end, and its start time as /proc gives it. */
function liveProcess(): { pid: number; start: string | null } {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120_000)'], { stdio: 'ignore' });
  children.push(child);
  const pid = child.pid as number;
  let start: string | null = null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    // No /proc (macOS): the lock then judges by the pid alone.
  }
  return { pid, start };
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', '']);
  return done.pid as number;
}

describe('the PGlite directory lock', () => {
  it('is a file of this process, 0600 in a 0700 run directory next to the data, released on demand', async () => {
    const dir = newDir();
    const lock = await lockPgliteDirectory(dir);
    expect(runDirectory(dir)).toBe(`${dir}.run`);
    expect(statSync(runDirectory(dir)).mode & 0o777).toBe(0o700);
    expect(statSync(lock.file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    expect(pgliteHolder(dir)).toBe(process.pid);
    // A second opener in this process is refused too (two PGlite instances are as bad).
    await expect(lockPgliteDirectory(dir)).rejects.toBeInstanceOf(PgliteLockedError);
    lock.release();
    expect(() => statSync(lock.file)).toThrow();
    expect(pgliteHolder(dir)).toBeNull();
    (await lockPgliteDirectory(dir)).release();
  });

  it("refuses while another live process holds it, naming that process's pid", async () => {
    const dir = newDir();
    const holder = liveProcess();
    plantLock(dir, holder.pid, holder.start);
    const refused = await lockPgliteDirectory(dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PgliteLockedError);
    expect((refused as PgliteLockedError).pid).toBe(holder.pid);
    expect(pgliteHolder(dir)).toBe(holder.pid);
    // Still theirs: a refused opener removes nothing.
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8')).pid).toBe(holder.pid);
  });

  it('waits up to waitMs for a live holder to let go', async () => {
    const dir = newDir();
    const holder = liveProcess();
    plantLock(dir, holder.pid, holder.start);
    setTimeout(() => rmSync(lockFile(dir)), 300);
    const lock = await lockPgliteDirectory(dir, { waitMs: 5_000 });
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it("takes over a dead process's lock", async () => {
    const dir = newDir();
    plantLock(dir, deadPid());
    expect(pgliteHolder(dir)).toBeNull();
    const lock = await lockPgliteDirectory(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock of a reused pid (a live process that started after the lock was written)', async ({
    skip,
  }) => {
    const holder = liveProcess();
    if (holder.start === null) skip('no /proc here: start times are not recorded');
    const dir = newDir();
    plantLock(dir, holder.pid, String(Number(holder.start) - 1));
    const lock = await lockPgliteDirectory(dir);
    lock.release();
  });

  it("takes over a lock with this process's own pid that it does not hold (a restarted container)", async () => {
    const dir = newDir();
    plantLock(dir, process.pid);
    const lock = await lockPgliteDirectory(dir);
    lock.release();
  });

  it('does not remove a lock that is no longer its own on release', async () => {
    const dir = newDir();
    const lock = await lockPgliteDirectory(dir);
    const other = liveProcess();
    plantLock(dir, other.pid, other.start);
    lock.release();
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8')).pid).toBe(other.pid);
  });

  it('refuses a run directory that is not a directory', () => {
    const dir = newDir();
    writeFileSync(runDirectory(dir), 'not a directory');
    expect(() => ensureRunDirectory(dir)).toThrow(/is not a directory/);
  });
});
