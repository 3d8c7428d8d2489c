// `npm run soak`: load and fault figures for a production build on loopback, against the soak's
// own PostgreSQL cluster and Redis (temporary directories, free ports; the shared services are
// never touched). Virtual users, each at a client address of its own, sign in (some with an
// authenticator code), look at their pages and sign out while the soak breaks things: Redis
// killed and restarted, PostgreSQL stopped and started, a second instance beside the first, and
// SIGTERM to the server. Each phase prints raw figures; the summary says per goal of the issue
// `held` or `NOT held`, and the exit code is 1 when any is not held. Bounded: it stops by itself,
// and stops every process it started (also on Ctrl-C or an error) and removes its directories.
//
// SOAK_USERS (default 200), SOAK_SECONDS (default 60: phase 1's length), SOAK_LONG=1 (a second
// database outage of 60 s after the first of 10 s).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { register, registerWithTwoFactor } from './accounts';
import { AddressPool } from './addresses';
import { inParallel } from './attacks/attack';
import { CookieJar, SESSION_COOKIE } from './forms';
import {
  type BenchServer,
  ensureBuild,
  freePortIn,
  newSigningKey,
  serverActionId,
  startServer,
} from './server';
import { Load, type LoadUser } from './soak/load';
import {
  type DatabaseVerdict,
  databasePhase,
  type InstancesVerdict,
  instancesPhase,
  type LoadVerdict,
  loadPhase,
  type RedisVerdict,
  redisPhase,
  type SigtermVerdict,
  type Soak,
  sigtermPhase,
} from './soak/phases';
import { type Postgres, type RedisServer, startPostgres, startRedis } from './soak/services';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw}: expected a whole number of at least 1`);
  return n;
}

const USERS = positive('SOAK_USERS', 200);
const SECONDS = positive('SOAK_SECONDS', 60);
const LONG = process.env.SOAK_LONG === '1';
/** One virtual user in this many has two-factor on. */
const TWO_FACTOR_EVERY = 4;
const SETUP_WIDTH = 4;
const SLOWEST_DB_ANSWER_MS = 5000;

const say = (line = '') => console.info(line);
const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(0)} s`;

type Parts = {
  dir?: string;
  pg?: Postgres;
  redis?: RedisServer;
  sql?: postgres.Sql;
  servers: BenchServer[];
  load?: Load;
};

/** Stop everything the soak started, by PID, and remove its directory. Safe to call twice. */
async function cleanUp(parts: Parts): Promise<void> {
  if (parts.load) await Promise.race([parts.load.stop(), new Promise((r) => setTimeout(r, 5000))]);
  await Promise.all(parts.servers.map((s) => s.stop().catch(() => {})));
  parts.servers = [];
  await parts.sql?.end({ timeout: 2 }).catch(() => {});
  parts.sql = undefined;
  cleanUpNow(parts);
}

/** The synchronous part, which also runs on process exit. */
function cleanUpNow(parts: Parts): void {
  parts.redis?.destroy();
  parts.pg?.destroy();
  if (parts.dir) rmSync(parts.dir, { recursive: true, force: true });
  parts.dir = undefined;
}

type Verdicts = {
  load?: LoadVerdict;
  redis?: RedisVerdict;
  database?: DatabaseVerdict;
  instances?: InstancesVerdict;
  sigterm?: SigtermVerdict;
};

type Goal = { goal: string; held: boolean; figures: string };

const NOT_MEASURED = 'not measured (the phase failed)';

function goals(v: Verdicts): Goal[] {
  const list: Goal[] = [];
  list.push(
    v.redis
      ? {
          goal: '0 failed sign-ins while Redis is down (limits still enforced)',
          held: v.redis.failedSignIns === 0 && v.redis.lockedDuringOutage,
          figures:
            `${v.redis.failedSignIns} sign-ins failed while down; the right password after 5 wrong ones ` +
            `during the outage → ${v.redis.rightDuring}`,
        }
      : { goal: '0 failed sign-ins while Redis is down', held: false, figures: NOT_MEASURED },
  );
  const outages = v.database?.outages ?? [];
  list.push({
    goal: `no request waiting more than ${SLOWEST_DB_ANSWER_MS / 1000} s during a database outage and no 500`,
    held:
      outages.length > 0 &&
      outages.every((o) => o.max <= SLOWEST_DB_ANSWER_MS && o.errors500 === 0 && o.recovered),
    figures: outages.length
      ? outages
          .map(
            (o) =>
              `${o.seconds} s outage: max ${Math.round(o.max)} ms, 500s ${o.errors500}` +
              (o.recovered ? '' : ', never recovered'),
          )
          .join('; ')
      : NOT_MEASURED,
  });
  const audited: [string, { mismatches: number } | undefined][] = [
    ['load', v.load],
    ['Redis', v.redis],
    ['database', v.database],
    ['SIGTERM', v.sigterm],
  ];
  list.push({
    goal: '0 audit mismatches',
    held: audited.every(([, p]) => p?.mismatches === 0),
    figures: audited.map(([name, p]) => `${name} ${p ? p.mismatches : 'not measured'}`).join(', '),
  });
  list.push(
    v.sigterm
      ? {
          goal: '0 requests dropped on SIGTERM (then exit 0)',
          held: v.sigterm.dropped === 0 && v.sigterm.exitCode === 0,
          figures:
            `${v.sigterm.dropped} dropped (${v.sigterm.inFlight} in flight at the signal); ` +
            (v.sigterm.exitedWithin === null
              ? 'still running after 30 s'
              : `${v.sigterm.exitCode !== null ? `exit ${v.sigterm.exitCode}` : `ended by ${v.sigterm.exitSignal}`} ` +
                `${v.sigterm.exitedWithin} ms after it`),
        }
      : { goal: '0 requests dropped on SIGTERM', held: false, figures: NOT_MEASURED },
  );
  const i = v.instances;
  list.push({
    goal: 'lockouts that hold through a store failure',
    held: Boolean(v.redis?.lockedAfterRestart && i?.lockedAcrossRedisDown),
    figures:
      `5 wrong while Redis was down, then the right password after the restart → ${v.redis?.rightAfter ?? 'not measured'}; ` +
      `Redis down, guesses alternating over two instances: ${
        i
          ? i.checkedBeforeRefusal === null
            ? `never refused (${i.checked} checked; answers: ${i.answersDown})`
            : `refused after ${i.checkedBeforeRefusal} checked${i.lockedAcrossRedisDown ? '' : ', but not held (over 5, or the right password was not refused)'}`
          : 'not measured'
      }`,
  });
  list.push({
    goal: 'two instances: sign-out and lockout hold across them',
    held: Boolean(i?.revokedAcross && i.lockedAcross),
    figures: i
      ? `copied cookie refused after sign-out: ${i.revokedAcross ? 'yes' : 'no'}; lockout across: ${i.lockedAcross ? 'yes' : 'no'}`
      : NOT_MEASURED,
  });
  return list;
}

async function main(): Promise<number> {
  const started = performance.now();
  const parts: Parts = { servers: [] };
  process.on('exit', () => cleanUpNow(parts));
  const stopOnSignal = (signal: NodeJS.Signals) => {
    console.error(`soak: ${signal}, stopping everything it started`);
    void cleanUp(parts).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const verdicts: Verdicts = {};
  try {
    ensureBuild();
    parts.dir = mkdtempSync(join(tmpdir(), 'latchkey-soak-'));
    // The cluster may belong to the `postgres` user, who must be able to reach its directory.
    chmodSync(parts.dir, 0o755);
    parts.pg = await startPostgres(parts.dir);
    parts.redis = await startRedis(parts.dir);
    parts.sql = postgres(parts.pg.url, { max: 2, idle_timeout: 1, onnotice: () => {} });
    const port = await freePortIn(3800, 3899);
    // Both instances share the secrets and the public URL, as instances behind one balancer do.
    const serverEnv = {
      DATABASE_URL: parts.pg.url,
      REDIS_URL: parts.redis.url,
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      MFA_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}`,
      API_SIGNING_KEY: newSigningKey(),
      APP_URL: `http://localhost:${port}`,
      // Each virtual user's X-Forwarded-For is its client address (the server listens on loopback only).
      TRUST_PROXY_HOPS: '1',
    };
    const a = await startServer({ port, env: serverEnv });
    parts.servers.push(a);
    say(
      `soak: node ${process.version}, ${availableParallelism()} CPUs; ${USERS} users, ${SECONDS} s of load` +
        `${LONG ? ', long database outage' : ''}`,
    );
    say(
      `soak: PostgreSQL ${parts.pg.url}, Redis ${parts.redis.url} (pid ${parts.redis.pid()}), all in ${parts.dir}`,
    );
    say(`soak: instance A ${a.baseUrl} (pid ${a.pid})`);

    // The accounts, made as people make them: registration, and enrollment for every fourth.
    const setupFrom = performance.now();
    const userAddresses = new AddressPool(1);
    const makeUsers = () =>
      inParallel(
        Array.from({ length: USERS }, (_, i) => i),
        SETUP_WIDTH,
        async (index): Promise<LoadUser> => {
          const jar = new CookieJar(userAddresses.next());
          const mfa = index % TWO_FACTOR_EVERY === TWO_FACTOR_EVERY - 1;
          const account = mfa ? await registerWithTwoFactor(a.baseUrl, jar) : await register(a.baseUrl, jar);
          // The registration's session stays in the database; the browser starts signed out.
          jar.delete(SESSION_COOKIE);
          return { index, account, mfa, jar, verifications: 0 };
        },
      );
    const users: LoadUser[] = await makeUsers();
    const addresses = new AddressPool(2);
    const probe = () => register(a.baseUrl, new CookieJar(addresses.next()));
    const probes = {
      redisLockout: await probe(),
      dbRecovery: await probe(),
      revocation: await probe(),
      lockoutAcross: await probe(),
      lockoutAcrossRedisDown: await probe(),
    };
    say(
      `soak: ${USERS} accounts (${users.filter((u) => u.mfa).length} with two-factor) and 5 probe accounts ` +
        `in ${seconds(setupFrom)}`,
    );
    const signOutActionId = serverActionId('app/(app)/actions.ts', 'signOutAction');
    parts.load = new Load(users, signOutActionId);
    const soak: Soak = {
      sql: parts.sql,
      pg: parts.pg,
      redis: parts.redis,
      a,
      serverEnv,
      users,
      load: parts.load,
      probes,
      addresses,
      signOutActionId,
      seconds: SECONDS,
      long: LONG,
      say,
    };

    const phase = async <T>(run: (s: Soak) => Promise<T>): Promise<T | undefined> => {
      say();
      const t0 = performance.now();
      try {
        return await run(soak);
      } catch (error) {
        say(`  the phase failed: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      } finally {
        // A phase that failed half-way leaves nothing running into the next one.
        await parts.load?.stop();
        say(`  (${seconds(t0)})`);
      }
    };
    verdicts.load = await phase(loadPhase);
    verdicts.redis = await phase(redisPhase);
    verdicts.database = await phase(databasePhase);
    verdicts.instances = await phase(async (s) => {
      try {
        return await instancesPhase(s);
      } finally {
        if (s.b) parts.servers.push(s.b);
      }
    });
    // Fresh accounts for the last phase: the first ones may have spent their 15-minute budget of
    // password verifications by now (a resting user sends nothing, and a SIGTERM with nothing in
    // flight would prove nothing).
    const fresh = await makeUsers();
    parts.load = new Load(fresh, signOutActionId);
    soak.load = parts.load;
    soak.users = fresh;
    verdicts.sigterm = await phase(sigtermPhase);

    // How each server stopped, in its own words (the drain, and any part that did not close).
    for (const server of parts.servers) {
      const stopping = server
        .log()
        .split('\n')
        .filter((line) =>
          /^latchkey: (SIGTERM|SIGINT|stopped|could not close|\d+ request)/.test(line.trim()),
        );
      if (stopping.length > 0)
        say(`server ${server.baseUrl} stopping:\n${stopping.map((l) => `  ${l.trim()}`).join('\n')}`);
    }
    const errors = new Map<string, number>();
    for (const server of parts.servers) {
      for (const line of server.log().split('\n')) {
        const text = line.trim().replace(/\d+ ms/g, 'N ms');
        if (/^(⨯|Error:|latchkey: .*(failed|error|refused))/i.test(text))
          errors.set(text, (errors.get(text) ?? 0) + 1);
      }
    }
    say();
    say(
      errors.size
        ? `server logs: ${errors.size} distinct error lines; the most frequent:\n${[...errors]
            .sort(([, x], [, y]) => y - x)
            .slice(0, 30)
            .map(([l, n]) => `  ${n} × ${l.slice(0, 150)}`)
            .join('\n')}`
        : 'server logs: no errors',
    );
  } finally {
    await cleanUp(parts);
  }

  say();
  say('summary:');
  const list = goals(verdicts);
  for (const g of list) say(`${g.held ? 'held    ' : 'NOT held'} ${g.goal}: ${g.figures}`);
  const notHeld = list.filter((g) => !g.held).length;
  say(
    `soak: ${list.length - notHeld} of ${list.length} held; ${seconds(started)}; ` +
      `every process it started is stopped and its directory removed; exit ${notHeld ? 1 : 0}`,
  );
  return notHeld ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
