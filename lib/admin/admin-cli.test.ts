import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '@/lib/db/pglite';
import { PgliteLockedError, runDirectory } from '@/lib/db/pglite-lock';
import { users } from '@/lib/db/schema';
import { uniqueEmail } from '@/tests/helpers';

/**
 * `npm run admin:grant` / `admin:revoke` as an operator runs them: the command line as a child
 * process, against the embedded database with and without a process holding it (a stand-in for
 * the server, tests/pglite-holder.ts, serving the admin socket from the same lib code), and
 * against PostgreSQL when DATABASE_URL is set.
 */

// Node with tsx's loader, not the tsx binary: that is a wrapper process, and killing it (a
// crashed server, below) would leave the process that holds the database running.
const NODE_TSX = ['--import', 'tsx', '--conditions=react-server'];
const root = mkdtempSync(join(tmpdir(), 'latchkey-admin-'));
const holders = new Set<ChildProcessWithoutNullStreams>();
afterAll(() => {
  // A test that failed half-way must not leave a process holding a directory.
  for (const child of holders) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

type Run = { code: number; stdout: string; stderr: string };

/** The command line, with its settings: those of the tests, and a database named here. */
async function cli(args: string[], database: { PGLITE_DIR?: string; DATABASE_URL?: string }): Promise<Run> {
  const env = { ...process.env, PGLITE_DIR: '', DATABASE_URL: '', ...database };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [...NODE_TSX, 'lib/admin/cli.ts', ...args],
      { env, timeout: 120_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

type Holder = { child: ChildProcessWithoutNullStreams; pid: number; ask: (line: string) => Promise<unknown> };

/** A process holding `dir` through lib/db/client.ts and serving its admin socket. */
async function startHolder(dir: string): Promise<Holder> {
  const child = spawn(process.execPath, [...NODE_TSX, 'tests/pglite-holder.ts'], {
    env: { ...process.env, PGLITE_DIR: dir, DATABASE_URL: '' },
  });
  holders.add(child);
  child.once('exit', () => holders.delete(child));
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const lines: Interface = createInterface({ input: child.stdout });
  const pending: { resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];
  lines.on('line', (line) => pending.shift()?.resolve(JSON.parse(line)));
  child.once('exit', (code) => {
    for (const waiter of pending.splice(0)) waiter.reject(new Error(`holder exited ${code}: ${stderr}`));
  });
  const next = () => new Promise<unknown>((resolve, reject) => pending.push({ resolve, reject }));
  const ready = (await next()) as { pid: number };
  return {
    child,
    pid: ready.pid,
    ask: (line) => {
      const answer = next();
      child.stdin.write(`${line}\n`);
      return answer;
    },
  };
}

/** Ends the holder as a server ends: stdin closes, it closes the socket, then the database. */
function stopHolder(holder: Holder): Promise<number | null> {
  return new Promise((resolve) => {
    holder.child.once('exit', (code) => resolve(code));
    holder.child.stdin.end();
  });
}

/** One request line on the admin socket, and the answer line. */
function rawRequest(path: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(path, () => socket.write(payload));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('end', () => resolve(data.trim()));
    socket.on('error', reject);
  });
}

// Each command is a Node process that loads lib/ (and, directly, opens PGlite and checks its
// migrations): seconds each, more on a busy machine.
const SLOW = { timeout: 300_000 };

describe.skipIf(Boolean(process.env.DATABASE_URL))(
  'the admin command line on the embedded database',
  SLOW,
  () => {
    const dir = join(root, 'pglite');
    const socketPath = join(runDirectory(dir), 'admin.sock');
    const lockPath = join(runDirectory(dir), 'lock');
    const alice = uniqueEmail('alice');
    const bob = uniqueEmail('bob');
    const nobody = uniqueEmail('nobody');
    const run = (...args: string[]) => cli(args, { PGLITE_DIR: dir });

    it('with a server holding the directory: goes through its socket, and the server sees the change', async () => {
      const holder = await startHolder(dir);
      try {
        await holder.ask(`create ${alice}`);
        await holder.ask(`create ${bob}`);

        const granted = await run('grant', `  ${alice.toUpperCase()} `);
        expect(granted).toMatchObject({ code: 0 });
        expect(granted.stdout).toContain(
          `latchkey: admin role granted to ${alice} (through the running server)`,
        );
        expect(await holder.ask(`role ${alice}`)).toEqual({ role: 'admin' });
        expect(await holder.ask(`audit ${alice}`)).toEqual({
          events: [{ type: 'role_granted', detail: { role: 'admin', via: 'cli' } }],
        });

        const again = await run('grant', alice);
        expect(again).toMatchObject({ code: 0 });
        expect(again.stdout).toContain(`latchkey: ${alice} is already an admin`);

        const unknown = await run('grant', nobody);
        expect(unknown.code).toBe(1);
        expect(unknown.stderr).toContain(`No account with the address ${nobody}`);
      } finally {
        expect(await stopHolder(holder)).toBe(0);
      }
      // Shut down as a server does: socket and lock gone.
      expect(existsSync(socketPath)).toBe(false);
      expect(existsSync(lockPath)).toBe(false);
    });

    it('keeps a second direct opener out while the directory is held', async () => {
      const holder = await startHolder(dir);
      try {
        const refused = await openPglite(dir, { lockWaitMs: 0 }).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(PgliteLockedError);
        expect((refused as PgliteLockedError).pid).toBe(holder.pid);
      } finally {
        await stopHolder(holder);
      }
    });

    it('has a socket only its owner can use, which does grant and revoke and nothing else', async () => {
      const holder = await startHolder(dir);
      try {
        expect(statSync(runDirectory(dir)).mode & 0o777).toBe(0o700);
        expect(statSync(socketPath).mode & 0o777).toBe(0o600);
        const refusals = [
          '{"op":"sql","query":"update users set role = \'admin\'"}\n',
          `{"op":"grant","email":"${bob}","role":"admin"}\n`,
          `{"op":"delete","email":"${bob}"}\n`,
          `{"op":"grant","email":"not an address"}\n`,
          'grant bob\n',
          `${'x'.repeat(2048)}`,
        ];
        for (const payload of refusals) {
          expect(await rawRequest(socketPath, payload)).toBe('{"ok":false,"error":"bad_request"}');
        }
        expect(await holder.ask(`role ${bob}`)).toEqual({ role: 'user' });
        expect(await rawRequest(socketPath, `{"op":"grant","email":"${bob}"}\n`)).toBe(
          '{"ok":true,"changed":true}',
        );
        expect(await rawRequest(socketPath, `{"op":"revoke","email":"${bob}"}\n`)).toBe(
          '{"ok":true,"changed":true}',
        );
        expect(await holder.ask(`role ${bob}`)).toEqual({ role: 'user' });
      } finally {
        await stopHolder(holder);
      }
    });

    it('with no server: opens the directory itself, under the lock, and lets go after', async () => {
      const revoked = await run('revoke', alice);
      expect(revoked).toMatchObject({ code: 0 });
      expect(revoked.stdout).toContain(`latchkey: admin role revoked from ${alice}`);
      expect(revoked.stdout).not.toContain('through the running server');
      const notAdmin = await run('revoke', alice);
      expect(notAdmin.stdout).toContain(`latchkey: ${alice} is not an admin`);
      const granted = await run('grant', bob);
      expect(granted).toMatchObject({ code: 0 });
      expect(granted.stdout).toContain(`latchkey: admin role granted to ${bob}`);
      const unknown = await run('revoke', nobody);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain(`No account with the address ${nobody}`);
      expect(existsSync(lockPath)).toBe(false);

      const pg = await openPglite(dir, { lockWaitMs: 0 });
      try {
        const { rows } = await pg.query<{ email: string; role: string }>(
          'select email, role from users where email in ($1, $2) order by email',
          [alice, bob],
        );
        expect(rows).toEqual([
          { email: alice, role: 'user' },
          { email: bob, role: 'admin' },
        ]);
      } finally {
        await pg.close();
      }
    });

    it('is not blocked by the socket and lock of a server that was killed', async () => {
      const holder = await startHolder(dir);
      holder.child.kill('SIGKILL');
      await new Promise((resolve) => holder.child.once('exit', resolve));
      expect(existsSync(socketPath)).toBe(true);
      expect(existsSync(lockPath)).toBe(true);

      const revoked = await run('revoke', bob);
      expect(revoked).toMatchObject({ code: 0 });
      expect(revoked.stdout).toContain(`latchkey: admin role revoked from ${bob}`);
      expect(revoked.stdout).not.toContain('through the running server');
      expect(existsSync(socketPath)).toBe(false);
      expect(existsSync(lockPath)).toBe(false);

      // And a server starting after it serves again, with the change in place.
      const next = await startHolder(dir);
      try {
        expect(await next.ask(`role ${bob}`)).toEqual({ role: 'user' });
        expect(existsSync(socketPath)).toBe(true);
      } finally {
        await stopHolder(next);
      }
    });

    it('waits for a live holder that does not answer yet (a server starting) rather than open the files', async () => {
      // A process that holds the lock and serves no socket, as a server does before it has
      // migrated, until the command line says it is waiting; then it goes. (It used to go after a
      // fixed 4 s, and a command line that took longer than that to load, as on a busy machine,
      // found no holder and never waited.)
      const starting = spawn(
        process.execPath,
        ['-e', "process.stdin.once('data', () => process.exit(0)); setTimeout(() => {}, 120_000)"],
        { stdio: ['pipe', 'ignore', 'ignore'] },
      );
      const pid = starting.pid as number;
      let start: string | null = null;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
      } catch {
        // No /proc: judged by the pid alone.
      }
      writeFileSync(lockPath, JSON.stringify({ pid, start, token: 'starting' }));
      const exited = new Promise((resolve) => starting.once('exit', resolve));

      const command = spawn(process.execPath, [...NODE_TSX, 'lib/admin/cli.ts', 'grant', alice], {
        env: { ...process.env, PGLITE_DIR: dir, DATABASE_URL: '' },
      });
      let stdout = '';
      let stderr = '';
      command.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      command.stderr.on('data', (chunk) => {
        stderr += chunk;
        // Waiting, and not gone ahead: let the holder go.
        if (stderr.includes('; waiting')) starting.stdin?.end('go');
      });
      const code = await new Promise((resolve) => command.once('exit', resolve));
      // A command line that never said it was waiting leaves the holder running: end it here.
      if (!stderr.includes('; waiting')) starting.kill('SIGKILL');
      await exited;
      expect(stderr).toContain(`latchkey: process ${pid} holds ${dir}; waiting`);
      expect(code).toBe(0);
      expect(stdout).toContain(`latchkey: admin role granted to ${alice}`);
      // The holder went by itself, told to only once the command line was waiting.
      expect(starting.exitCode).toBe(0);
    });

    it('answers a missing or malformed argument with its usage and status 2', async () => {
      for (const args of [
        ['grant'],
        ['grant', 'not-an-address'],
        ['promote', alice],
        ['grant', alice, bob],
      ]) {
        const result = await run(...args);
        expect(result.code, args.join(' ')).toBe(2);
        expect(result.stderr).toContain('usage: npm run admin:grant -- EMAIL');
      }
    });
  },
);

describe.runIf(Boolean(process.env.DATABASE_URL))('the admin command line on PostgreSQL', SLOW, () => {
  it('grants and revokes in the database DATABASE_URL names, and says when there is no account', async () => {
    const { db, closeDb } = await import('@/lib/db/client');
    const email = uniqueEmail('pg-admin');
    const database = await db();
    try {
      await database.insert(users).values({ email, passwordHash: 'not a hash: never signs in' });
      const role = async () =>
        (await database.select({ role: users.role }).from(users).where(eq(users.email, email)))[0]?.role;
      const url = { DATABASE_URL: process.env.DATABASE_URL };

      const granted = await cli(['grant', email], url);
      expect(granted).toMatchObject({ code: 0 });
      expect(granted.stdout).toContain(`latchkey: admin role granted to ${email}`);
      expect(await role()).toBe('admin');

      const revoked = await cli(['revoke', email], url);
      expect(revoked.stdout).toContain(`latchkey: admin role revoked from ${email}`);
      expect(await role()).toBe('user');

      const unknown = await cli(['grant', uniqueEmail('pg-nobody')], url);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('No account with the address');
    } finally {
      await closeDb();
    }
  });
});
