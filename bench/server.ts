// The bench's own production server: `node server.mjs` (what `npm start` runs after
// scripts/ensure-env.mjs) on a free loopback port, with a throwaway PGlite directory, in-process
// rate limits and fresh secrets passed in the environment, so nothing in the repository (.data,
// .env.local) is read for state or written. `npm run soak` passes its own services and secrets
// (ServerOptions) and signals the process itself (pid, exited).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(__dirname, '..');
const BENCH_ROUTE = '/bench/dashboard';

/** `npm run build` when there is no build, or when the build predates the bench's baseline route. */
export function ensureBuild(): void {
  const buildId = join(ROOT, '.next', 'BUILD_ID');
  let reason: string | undefined;
  if (!existsSync(buildId)) reason = 'no production build (.next/BUILD_ID is missing)';
  else if (newestSource() > statSync(buildId).mtimeMs) reason = 'the production build is older than the code';
  else if (!buildHasRoute(BENCH_ROUTE))
    reason = `the production build has no ${BENCH_ROUTE} route (built before it)`;
  if (!reason) return;
  console.info(`bench: ${reason}; running npm run build`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal})`);
}

/** The newest modification time of what the server is built from (figures of a stale build lie). */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (!entry.startsWith('.')) visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const part of ['app', 'lib', 'components', 'middleware.ts', 'instrumentation.ts', 'next.config.ts'])
    visit(join(ROOT, part));
  return newest;
}

function buildHasRoute(route: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(ROOT, '.next', 'app-path-routes-manifest.json'), 'utf8'));
    return Object.values(manifest as Record<string, string>).includes(route);
  } catch {
    return false;
  }
}

export type ServerAction = {
  id: string;
  /** The module, relative to Turbopack's root (the project, or a folder above it). */
  filename: string;
  exportedName: string;
  /** The pages that load it, as app-directory entries (`app/(auth)/login/page`). */
  pages: string[];
};

let actions: ServerAction[] | undefined;

/** Every server action of the production build, from Next.js's server reference manifest. */
export function serverActions(): ServerAction[] {
  actions ??= readServerActions();
  return actions;
}

function readServerActions(): ServerAction[] {
  const path = join(ROOT, '.next', 'server', 'server-reference-manifest.json');
  let manifest: {
    node?: Record<string, { filename?: string; exportedName?: string; workers?: Record<string, unknown> }>;
  };
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return Object.entries(manifest.node ?? {}).map(([id, entry]) => ({
    id,
    filename: entry.filename ?? '',
    exportedName: entry.exportedName ?? '',
    pages: Object.keys(entry.workers ?? {}),
  }));
}

/**
 * The id of a server action in the production build, for actions that no server-rendered form
 * names (see callServerAction in bench/forms.ts). `filename` is relative to the project; the
 * manifest's is relative to Turbopack's root, which may sit above the project.
 */
export function serverActionId(filename: string, exportedName: string): string {
  const ids = serverActions()
    .filter(
      (a) =>
        (a.filename === filename || a.filename.endsWith(`/${filename}`)) && a.exportedName === exportedName,
    )
    .map((a) => a.id);
  if (ids.length !== 1) {
    throw new Error(
      `the production build has ${ids.length} server actions ${exportedName} in ${filename} (expected 1; ` +
        'built before it, or renamed?)',
    );
  }
  return ids[0] as string;
}

/** A port nobody listens on at 127.0.0.1: any (0, the system picks), or `port` itself. */
export function freePort(port = 0): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', fail);
    probe.listen(port, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? done(port) : fail(new Error('no free port'))));
    });
  });
}

/** The first free port from `from` to `to` (both included). */
export async function freePortIn(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    try {
      return await freePort(port);
    } catch {
      // Taken: the next one.
    }
  }
  throw new Error(`no free port from ${from} to ${to}`);
}

export type BenchServer = {
  baseUrl: string;
  /** The process running server.mjs (no wrapper in between). */
  pid: number;
  /** How the process ended, once it has. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the server printed, for the report. */
  log: () => string;
  stop: () => Promise<void>;
};

export type ServerOptions = {
  /** Where to listen; a free port when omitted. */
  port?: number;
  /** Settings that replace the bench's (DATABASE_URL, REDIS_URL, shared secrets, APP_URL, …). */
  env?: Record<string, string>;
};

const MAX_LOG = 5_000_000;

/** A fresh API_SIGNING_KEY (one P-256 key, as scripts/ensure-env.mjs makes). */
export function newSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return `k1:${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64url')}`;
}

export async function startServer(options: ServerOptions = {}): Promise<BenchServer> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  // An empty value counts as unset for the app, and Next.js does not fill it from .env files: so
  // a DATABASE_URL or Redis configured in .env.local cannot turn the bench against real services.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    APP_URL: `http://localhost:${port}`,
    PGLITE_DIR: join(dir, 'pglite'),
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    MFA_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}`,
    API_SIGNING_KEY: newSigningKey(),
    DATABASE_URL: '',
    UPSTASH_REDIS_REST_URL: '',
    UPSTASH_REDIS_REST_TOKEN: '',
    REDIS_URL: '',
    SMTP_URL: '',
    MAIL_TRANSPORT: 'outbox',
    OUTBOX_DIR: join(dir, 'outbox'),
    // One trusted hop, so the reset-request figures can come from many client addresses (the
    // per-IP limit is not what they measure). The server listens on loopback only (loopback.mjs),
    // so no one else can send it a forwarded address.
    TRUST_PROXY_HOPS: '1',
    LATCHKEY_BENCH: '1',
    ...options.env,
  };
  const preload = pathToFileURL(join(__dirname, 'loopback.mjs')).href;
  const start = startCommand();
  // Its own process group (detached), so stopping it takes every child with it.
  const child = spawn(process.execPath, [...start.nodeArgs, '--import', preload, 'server.mjs'], {
    cwd: ROOT,
    env: { ...env, ...start.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < MAX_LOG) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );

  const killGroup = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  // Last resort on any exit path (an uncaught error, process.exit): synchronous, so it runs.
  const onExit = () => killGroup('SIGKILL');
  process.on('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    process.off('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(baseUrl, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, pid: child.pid as number, exited, log: () => output, stop };
}

/**
 * The environment and Node flags `npm start` runs the server with (package.json), so the bench
 * measures the server people run: MALLOC_ARENA_MAX and the young generation's size change its
 * memory. Read from the script itself, so the two cannot drift apart.
 */
export function startCommand(): { env: Record<string, string>; nodeArgs: string[] } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const match = /&&\s*((?:[A-Z_]+=\S+\s+)*)exec node((?:\s+--\S+)*)\s+server\.mjs$/.exec(pkg.scripts.start);
  if (!match) throw new Error(`package.json's start script has an unexpected shape: ${pkg.scripts.start}`);
  const env = Object.fromEntries(
    (match[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, string]),
  );
  return { env, nodeArgs: (match[2] ?? '').trim().split(/\s+/).filter(Boolean) };
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/`, {
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `GET / answered ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server was not ready within 90 s (${last}):\n${log()}`);
}
