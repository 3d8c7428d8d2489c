import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import IORedis from 'ioredis';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from 'vitest';
import { passwordSignIn } from '@/lib/auth/login';
import { storeUsable } from '@/lib/kv';
import { ctx, pinClockToMidWindow, sleep, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { emailKey } from './index';

/**
 * The store fails and comes back, for real: this file starts its own Redis (its own port, no
 * persistence, so a restart comes back empty, as a Redis that lost its data does), kills it and
 * starts it again. Only what it started is stopped. The database is the suite's (PGlite, or the
 * PostgreSQL of DATABASE_URL).
 */
const PORT = await vi.hoisted(async () => {
  const { createServer } = await import('node:net');
  const { readFileSync } = await import('node:fs');
  // A port below the ones the kernel hands to outgoing connections: a client socket on 127.0.0.1
  // holding the port (this suite's own PostgreSQL and Redis connections) blocks a listener there,
  // and a random port in 21000-41000 met one now and then.
  let firstEphemeral = 32_768;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    firstEphemeral = Number(low) || firstEphemeral;
  } catch {
    // Not Linux: keep the usual lower bound.
  }
  const top = Math.max(firstEphemeral, 21_000);
  const isFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
  let port = 0;
  do port = 20_000 + Math.floor(Math.random() * (top - 20_000));
  while (!(await isFree(port)));
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  delete process.env.UPSTASH_REDIS_REST_URL;
  delete process.env.UPSTASH_REDIS_REST_TOKEN;
  return port;
});

const REDIS_SERVER = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
const WRONG = 'not the password at all';

let redis: ChildProcess | undefined;

async function startRedis(): Promise<void> {
  redis = spawn(
    REDIS_SERVER,
    ['--port', String(PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    const probe = new IORedis(PORT, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      await sleep(50);
    } finally {
      probe.disconnect();
    }
  }
  throw new Error(`redis-server did not start on port ${PORT}`);
}

async function killRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

// redis-server comes with the redis-server package (.ci/run installs it).
describe.skipIf(!REDIS_SERVER)('limits through a store outage (a Redis this test kills and restarts)', () => {
  let warn: MockInstance<typeof console.warn>;
  beforeAll(async () => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await startRedis();
  });
  setupIntegration();
  // Five failures lock only within one fixed 15-minute window: keep every test clear of an end.
  beforeEach(() => {
    pinClockToMidWindow();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await killRedis();
    warn.mockRestore();
  });

  it('an account locked while Redis was down stays locked after it returns empty', async () => {
    const user = await makeUser();
    expect(await passwordSignIn(user.email, WRONG, ctx(uniqueIp()))).toMatchObject({
      kind: 'invalidCredentials',
    });

    await killRedis();
    const during: string[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await passwordSignIn(user.email, WRONG, ctx(uniqueIp()));
      during.push(result.ok ? 'ok' : result.kind);
    }
    // The failure counted in Redis before it died is lost with it; the database fallback counts
    // 5 more, the last of which locks the account (the right password is refused too).
    expect(during).toEqual([...Array(5).fill('invalidCredentials'), 'rate_limited']);
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()))).toMatchObject({
      ok: false,
      kind: 'rate_limited',
    });

    await startRedis();
    await vi.waitFor(() => expect(storeUsable()).toBe(true), { timeout: 15_000 });
    // The restarted Redis knows nothing; what the database counted is written back first.
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()))).toMatchObject({
      ok: false,
      kind: 'rate_limited',
    });
    const inspector = new IORedis(PORT, '127.0.0.1');
    try {
      const lock = Number(await inspector.get(`latchkey:lock:signInAccount:${emailKey(user.email)}`));
      expect(lock).toBeGreaterThan(Date.now() + 10 * 60_000);
    } finally {
      inspector.disconnect();
    }
  });

  it('an account locked while Redis was up stays locked while it is down', async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) await passwordSignIn(user.email, WRONG, ctx(uniqueIp()));
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()))).toMatchObject({
      kind: 'rate_limited',
    });
    await killRedis();
    // The lock was kept in the database as well: the fallback sees it.
    expect(await passwordSignIn(user.email, user.password, ctx(uniqueIp()))).toMatchObject({
      ok: false,
      kind: 'rate_limited',
    });
    expect(await passwordSignIn(user.email, WRONG, ctx(uniqueIp()))).toMatchObject({ kind: 'rate_limited' });
    await startRedis();
    await vi.waitFor(() => expect(storeUsable()).toBe(true), { timeout: 15_000 });
  });

  it('two instances with Redis down check at most 5 wrong passwords for one account between them', async () => {
    const user = await makeUser();
    await killRedis();
    // A second instance: its own modules and store client (nothing in memory shared with the
    // first), the same database, as two servers on one PostgreSQL.
    const first = passwordSignIn;
    vi.resetModules();
    const g = globalThis as { __latchkeyKv?: unknown; __latchkeyMemory?: unknown };
    const [kv, memory] = [g.__latchkeyKv, g.__latchkeyMemory];
    g.__latchkeyKv = undefined;
    g.__latchkeyMemory = undefined;
    const second = (await import('@/lib/auth/login')).passwordSignIn;
    try {
      const checked: string[] = [];
      for (let i = 0; i < 10; i++) {
        const signIn = i % 2 === 0 ? first : second;
        const result = await signIn(user.email, WRONG, ctx(uniqueIp()));
        checked.push(result.ok ? 'ok' : result.kind);
      }
      expect(checked.filter((k) => k === 'invalidCredentials')).toHaveLength(5);
      expect(checked.slice(5)).toEqual(Array(5).fill('rate_limited'));
    } finally {
      const secondStore = g.__latchkeyKv as { redis?: { client?: { client?: IORedis } } } | undefined;
      secondStore?.redis?.client?.client?.disconnect();
      g.__latchkeyKv = kv;
      g.__latchkeyMemory = memory;
    }
  });
});
