// The soak's own PostgreSQL cluster and Redis: each in a temporary directory, on a free port of
// 127.0.0.1, started, stopped, killed and restarted by the soak only. Nothing here touches a
// server it did not start (the shared 5432 and 6379 are never dialled).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where initdb and pg_ctl are: on the PATH, /usr/local/bin, or Debian's /usr/lib/postgresql/<ver>/bin. */
function postgresBin(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
  if (onPath && existsSync(join(onPath, '..', 'initdb'))) return join(onPath, '..');
  if (existsSync('/usr/local/bin/pg_ctl')) return '/usr/local/bin';
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => existsSync(join(debian, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(debian, versions[0], 'bin');
  throw new Error('no PostgreSQL server binaries (initdb, pg_ctl) found: install PostgreSQL');
}

/** initdb refuses to run as root: then the cluster belongs to the `postgres` user. */
function runAs(): { uid: number; gid: number; prefix: string[] } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error('running as root and there is no `postgres` user to own the soak cluster');
  return { uid, gid, prefix: ['runuser', '-u', 'postgres', '--'] };
}

export type Postgres = {
  url: string;
  /** `pg_ctl stop -m fast`: ms it took. */
  stop: () => Promise<number>;
  /** `pg_ctl start -w`: ms until it accepts connections. */
  start: () => Promise<number>;
  /** Stop for good (immediate), whatever state it is in. Synchronous, so it runs on exit too. */
  destroy: () => void;
};

/** A new cluster in `dir` (which must exist), started on a free port. */
export async function startPostgres(dir: string): Promise<Postgres> {
  const bin = postgresBin();
  const owner = runAs();
  const home = join(dir, 'pg');
  mkdirSync(home, { recursive: true });
  if (owner) chownSync(home, owner.uid, owner.gid);
  const data = join(home, 'data');
  const log = join(home, 'postgres.log');
  const port = await freePort();
  // Asynchronous: the virtual users keep running (and timing) while pg_ctl waits.
  const run = (args: string[], what: string) =>
    new Promise<number>((done, fail) => {
      const [command, ...rest] = [...(owner?.prefix ?? []), ...args];
      const t0 = performance.now();
      let said = '';
      const child = spawn(command as string, rest, { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk: Buffer) => {
        said += chunk.toString('utf8');
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        said += chunk.toString('utf8');
      });
      child.once('error', fail);
      child.once('exit', (code, signal) => {
        if (code === 0) return done(Math.round(performance.now() - t0));
        const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
        fail(new Error(`${what} failed (exit ${code ?? signal}): ${said.slice(-2000)}\n${tail}`));
      });
    });
  await run(
    [join(bin, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'],
    'initdb',
  );
  const options = `-p ${port} -k ${home} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const pgCtl = (...args: string[]) => [join(bin, 'pg_ctl'), '-D', data, ...args];
  const start = () => run(pgCtl('-l', log, '-w', '-t', '60', '-o', options, 'start'), 'pg_ctl start');
  await start();
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => run(pgCtl('-m', 'fast', '-w', '-t', '60', 'stop'), 'pg_ctl stop'),
    start,
    destroy: () => {
      if (destroyed) return;
      destroyed = true;
      const [command, ...rest] = [...(owner?.prefix ?? []), ...pgCtl('-m', 'immediate', '-w', 'stop')];
      spawnSync(command as string, rest, { stdio: 'ignore' });
      // Still there (pg_ctl failed)? Its postmaster, by PID.
      const pidFile = join(data, 'postmaster.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone.
        }
      }
    },
  };
}

export type RedisServer = {
  url: string;
  pid: () => number | undefined;
  /** SIGKILL, as a crash: nothing is saved beyond the append-only file. */
  kill: () => Promise<void>;
  /** Start again on the same port and directory; ms until it answers PING. */
  restart: () => Promise<number>;
  destroy: () => void;
};

/** `redis-server` on a free port, append-only file in `dir`, no snapshots. */
export async function startRedis(dir: string): Promise<RedisServer> {
  const home = join(dir, 'redis');
  mkdirSync(home, { recursive: true });
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'yes',
    '--dir',
    home,
    '--daemonize',
    'no',
  ];
  let child: ChildProcess | undefined;
  let output = '';
  const launch = async () => {
    const t0 = performance.now();
    output = '';
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    started.stdout?.on('data', (chunk: Buffer) => {
      if (output.length < 20_000) output += chunk.toString('utf8');
    });
    started.stderr?.on('data', (chunk: Buffer) => {
      if (output.length < 20_000) output += chunk.toString('utf8');
    });
    const failed = new Promise<never>((_, reject) => {
      started.once('error', reject);
      started.once('exit', (code, signal) =>
        reject(new Error(`redis-server exited (${code ?? signal}) before answering:\n${output}`)),
      );
    });
    // Awaited only in the race below: an exit after start-up (a kill) is no error.
    failed.catch(() => {});
    child = started;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (await Promise.race([ping(port), failed])) return Math.round(performance.now() - t0);
      await sleep(50);
    }
    throw new Error(`redis-server on ${port} did not answer PING within 20 s:\n${output}`);
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise<void>((r) => running.once('exit', () => r()));
    running.kill('SIGKILL');
    await gone;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: () => child?.pid,
    kill,
    restart: async () => {
      await kill();
      return launch();
    },
    destroy: () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Whether a Redis on 127.0.0.1:port answers PING with PONG (within 1 s). */
function ping(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => finish(chunk.toString().startsWith('+PONG')));
  });
}
