// The phases of `npm run soak`, in order. Each prints its raw figures and returns the verdicts the
// summary needs; a figure comes only from what the server answered over HTTP, what the soak's own
// PostgreSQL holds, and how the processes the soak started behaved.
import type postgres from 'postgres';
import type { Account } from '../accounts';
import type { AddressPool } from '../addresses';
import { withWrongPassword } from '../attacks/attack';
import { CookieJar, SESSION_COOKIE } from '../forms';
import { type BenchServer, freePortIn, startServer } from '../server';
import { auditCheck } from './audit';
import {
  type Load,
  type LoadUser,
  type RequestRecord,
  requestFigures,
  routeLine,
  send,
  signIn,
  signOut,
  tallyOf,
} from './load';
import type { Postgres, RedisServer } from './services';

export type Soak = {
  sql: postgres.Sql;
  pg: Postgres;
  redis: RedisServer;
  /** The instance every phase loads; phase 4 adds `b`. */
  a: BenchServer;
  b?: BenchServer;
  serverEnv: Record<string, string>;
  users: LoadUser[];
  load: Load;
  /** Accounts of the probes (password only), one per probe, registered before any fault. */
  probes: {
    redisLockout: Account;
    dbRecovery: Account;
    revocation: Account;
    lockoutAcross: Account;
    lockoutAcrossRedisDown: Account;
  };
  /** Client addresses of the probes, none shared with the virtual users. */
  addresses: AddressPool;
  signOutActionId: string;
  seconds: number;
  long: boolean;
  say: (line?: string) => void;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const since = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
const startedIn = <T extends { start: number }>(records: T[], from: number, to: number) =>
  records.filter((r) => r.start >= from && r.start < to);
/** Requests that were waiting at any moment of the window (started before its end, ended after its start). */
const overlapping = (records: RequestRecord[], from: number, to: number) =>
  records.filter((r) => r.start < to && r.end >= from);
/** The routes in the order a sign-in, the pages and the sign-out use them. */
const ROUTES = [
  'GET /login',
  'POST /login',
  'GET /login/verify',
  'POST /login/verify',
  'GET /dashboard',
  'GET /settings/security',
  'POST sign out',
];

/** A sign-in by the probe from a new browser at a new address: how it ended. */
async function probeSignIn(
  soak: Soak,
  baseUrl: string,
  account: Account,
  log: RequestRecord[] = [],
): Promise<{ outcome: string; jar: CookieJar }> {
  const jar = new CookieJar(soak.addresses.next());
  const outcome = await signIn(log, baseUrl, { account, mfa: false, jar });
  return { outcome, jar };
}

/** The sign-ins (flows) started in a window, tallied: succeeded, and how the others ended. */
function signInFigures(soak: Soak, from: number, to: number): { text: string; failed: number } {
  const flows = startedIn(soak.load.signIns, from, to);
  const ok = flows.filter((f) => f.outcome === 'signed in').length;
  const failed = flows.filter((f) => f.outcome !== 'signed in');
  const mfa = flows.filter((f) => f.mfa);
  return {
    text:
      `${flows.length} sign-ins started (${mfa.length} with two-factor): ${ok} succeeded, ${failed.length} failed` +
      (failed.length ? `\n    failed: ${tallyOf(failed.map((f) => f.outcome))}` : ''),
    failed: failed.length,
  };
}

export type LoadVerdict = { mismatches: number };

/** Phase 1: the virtual users for SOAK_SECONDS, nothing broken. */
export async function loadPhase(soak: Soak): Promise<LoadVerdict> {
  const { load, say } = soak;
  say(`phase 1, load: ${soak.users.length} users × ${soak.seconds} s against ${soak.a.baseUrl}`);
  const from = Date.now();
  load.start(soak.a.baseUrl);
  await sleep(soak.seconds * 1000);
  await load.stop();
  const to = Date.now();
  const requests = startedIn(load.requests, from, to);
  say(`  ${requestFigures(requests).text}`);
  say(`  requests per second: ${(requests.length / ((to - from) / 1000)).toFixed(1)} over ${since(from)}`);
  for (const route of ROUTES.filter((r) => requests.some((q) => q.route === r))) {
    say(
      `    ${routeLine(
        route,
        requests.filter((r) => r.route === route),
      )}`,
    );
  }
  say(`  ${signInFigures(soak, from, to).text}`);
  const outs = startedIn(load.signOuts, from, to);
  say(
    `  sign-outs: ${outs.filter((o) => o.ok).length} succeeded, ${outs.filter((o) => !o.ok).length} failed`,
  );
  if (load.resting.size) say(`  users resting at the per-account verification budget: ${load.resting.size}`);
  const audit = await auditCheck(soak.sql, soak.users, load, from, to);
  for (const line of audit.lines) say(`  ${line}`);
  return { mismatches: audit.mismatches };
}

export type RedisVerdict = {
  failedSignIns: number;
  /** The right password, after 5 wrong ones during the outage, refused while Redis is down. */
  lockedDuringOutage: boolean;
  /** … and refused again once Redis is back. */
  lockedAfterRestart: boolean;
  /** What the right password got: during the outage, and after the restart. */
  rightDuring: string;
  rightAfter: string;
  mismatches: number;
};

const OUTAGE_MS = 20_000;

/** Phase 2: Redis killed (SIGKILL) under load, ~20 s, restarted on the same port and directory. */
export async function redisPhase(soak: Soak): Promise<RedisVerdict> {
  const { load, redis, say } = soak;
  const base = soak.a.baseUrl;
  say(`phase 2, Redis killed under load (pid ${redis.pid()}), restarted after ~${OUTAGE_MS / 1000} s`);
  const from = Date.now();
  load.start(base);
  await sleep(5000);
  const killAt = Date.now();
  await redis.kill();
  say(`  killed with SIGKILL at +${((killAt - from) / 1000).toFixed(1)} s`);

  // The lockout probe, during the outage: 5 wrong passwords, then the right one.
  const account = soak.probes.redisLockout;
  const probe = (async () => {
    await sleep(1000);
    const wrong: string[] = [];
    for (let i = 0; i < 5; i++)
      wrong.push((await probeSignIn(soak, base, withWrongPassword(account))).outcome);
    const right = (await probeSignIn(soak, base, account)).outcome;
    return { wrong, right, at: Date.now() };
  })();
  await sleep(OUTAGE_MS);
  // The probe belongs to the outage: Redis stays down until it is done (at most 60 s more).
  const during = await Promise.race([probe, sleep(60_000).then(() => null)]);
  const restartAt = Date.now();
  const restartMs = await redis.restart();
  const upAt = Date.now();
  say(
    `  Redis down ${((restartAt - killAt) / 1000).toFixed(1)} s; restarted (pid ${redis.pid()}), answering PING after ${restartMs} ms`,
  );

  // After the restart: the right password again, until the answer is a verdict (not an error).
  let after = 'not tried';
  const afterAnswers: string[] = [];
  if (during) {
    await sleep(2000);
    const until = Date.now() + 15_000;
    do {
      after = (await probeSignIn(soak, base, account)).outcome;
      afterAnswers.push(after);
      if (after === 'signed in' || after === 'too many attempts') break;
      await sleep(1000);
    } while (Date.now() < until);
  }
  await sleep(5000);
  await load.stop();
  const to = Date.now();

  const figures = requestFigures(overlapping(load.requests, killAt, upAt));
  say(`  requests in flight at any time while Redis was down: ${figures.text}`);
  say(`  500s: ${figures.errors500}; max latency ${Math.round(figures.max)} ms`);
  const signIns = signInFigures(soak, killAt, upAt);
  say(`  while down: ${signIns.text}`);
  const twoFactor = startedIn(load.signIns, killAt, upAt).filter((f) => f.mfa);
  say(
    `    of them with two-factor: ${twoFactor.filter((f) => f.outcome === 'signed in').length} of ${twoFactor.length} succeeded`,
  );
  say(`  after the restart (${since(upAt)} of load): ${signInFigures(soak, upAt, to).text}`);
  if (during) {
    say(`  lockout probe: 5 wrong passwords while Redis was down → ${tallyOf(during.wrong)}`);
    say(`    then the right password, still down → ${during.right}`);
    say(`    after the restart, the right password → ${afterAnswers.join(', ')}`);
  } else {
    say('  lockout probe: did not finish within 80 s of the kill');
  }
  const lockedDuringOutage = during?.right === 'too many attempts';
  const lockedAfterRestart = after === 'too many attempts';
  say(
    `  lockout ${lockedAfterRestart ? 'held' : 'not held'} after the restart; ` +
      `${lockedDuringOutage ? 'held' : 'not held'} during the outage`,
  );
  const audit = await auditCheck(soak.sql, soak.users, load, from, to);
  for (const line of audit.lines) say(`  ${line}`);
  return {
    failedSignIns: signIns.failed,
    lockedDuringOutage,
    lockedAfterRestart,
    rightDuring: during?.right ?? 'not tried',
    rightAfter: after,
    mismatches: audit.mismatches,
  };
}

export type DatabaseVerdict = {
  outages: { seconds: number; max: number; p95: number; errors500: number; recovered: boolean }[];
  mismatches: number;
};

/** Whether a copy of a session cookie still opens /dashboard: a new jar each time, never cleared. */
async function dashboardWith(baseUrl: string, cookie: string, email: string): Promise<boolean> {
  const jar = new CookieJar();
  jar.set(SESSION_COOKIE, cookie);
  const reply = await send([], 'GET /dashboard', `${baseUrl}/dashboard`, jar);
  return reply?.status === 200 && reply.body.includes(email);
}

const RECOVERY_LIMIT_MS = 120_000;

/** Phase 3: PostgreSQL stopped (pg_ctl stop -m fast) under load, then started again. */
export async function databasePhase(soak: Soak): Promise<DatabaseVerdict> {
  const { load, pg, say } = soak;
  const base = soak.a.baseUrl;
  const durations = soak.long ? [10, 60] : [10];
  say(`phase 3, PostgreSQL stopped under load: ${durations.map((d) => `${d} s`).join(', then ')}`);
  const account = soak.probes.dbRecovery;
  const { outcome, jar } = await probeSignIn(soak, base, account);
  const cookie = jar.get(SESSION_COOKIE);
  if (outcome !== 'signed in' || !cookie) throw new Error(`the recovery probe could not sign in: ${outcome}`);

  const from = Date.now();
  load.start(base);
  await sleep(5000);
  const outages: DatabaseVerdict['outages'] = [];
  for (const seconds of durations) {
    const stopAt = Date.now();
    const stopMs = await pg.stop();
    await sleep(seconds * 1000);
    const startAt = Date.now();
    const startMs = await pg.start();
    const acceptingAt = Date.now();
    let recoveredAt: number | null = null;
    while (Date.now() - startAt < RECOVERY_LIMIT_MS) {
      if (await dashboardWith(base, cookie, account.email)) {
        recoveredAt = Date.now();
        break;
      }
      await sleep(200);
    }
    const end = recoveredAt ?? Date.now();
    const figures = requestFigures(overlapping(load.requests, stopAt, end));
    say(
      `  outage of ${seconds} s: pg_ctl stop took ${stopMs} ms, down ${((startAt - stopAt) / 1000).toFixed(1)} s, ` +
        `pg_ctl start took ${startMs} ms`,
    );
    say(
      recoveredAt
        ? `    a signed-in page answered again ${recoveredAt - startAt} ms after the start was issued ` +
            `(${recoveredAt - acceptingAt} ms after PostgreSQL accepted connections)`
        : `    a signed-in page did not answer 200 within ${RECOVERY_LIMIT_MS / 1000} s of the start`,
    );
    say(`    requests in flight at any time from the stop to the recovery: ${figures.text}`);
    say(
      `    answer times in the outage: max ${Math.round(figures.max)} ms, p95 ${Math.round(figures.p95)} ms; ` +
        `500s: ${figures.errors500}`,
    );
    say(`    ${signInFigures(soak, stopAt, end).text.replace('\n    ', '\n      ')}`);
    outages.push({
      seconds,
      max: figures.max,
      p95: figures.p95,
      errors500: figures.errors500,
      recovered: recoveredAt !== null,
    });
    await sleep(5000);
  }
  await load.stop();
  const to = Date.now();
  say(
    `  the whole phase (${since(from)}): ${signInFigures(soak, from, to).text.replace('\n    ', '\n      ')}`,
  );
  const audit = await auditCheck(soak.sql, soak.users, load, from, to);
  for (const line of audit.lines) say(`  ${line}`);
  return { outages, mismatches: audit.mismatches };
}

export type InstancesVerdict = {
  revokedAcross: boolean;
  lockedAcross: boolean;
  /** Redis down: wrong guesses answered as checked before the first refusal; null: none refused. */
  checkedBeforeRefusal: number | null;
  /** Wrong guesses answered as wrong passwords, refused or not, and how the others were answered. */
  checked: number;
  answersDown: string;
  lockedAcrossRedisDown: boolean;
};

const MAX_GUESSES = 12;

/** Phase 4: a second instance on the same PostgreSQL and Redis. */
export async function instancesPhase(soak: Soak): Promise<InstancesVerdict> {
  const { say } = soak;
  const port = await freePortIn(3800, 3899);
  soak.b = await startServer({ port, env: soak.serverEnv });
  const a = soak.a.baseUrl;
  const b = soak.b.baseUrl;
  say(`phase 4, two instances: A ${a} (pid ${soak.a.pid}), B ${b} (pid ${soak.b.pid})`);

  // Revocation across: signed in on A, the cookie copied to B, signed out on A.
  const { revocation } = soak.probes;
  const signedIn = await probeSignIn(soak, a, revocation);
  const cookie = signedIn.jar.get(SESSION_COOKIE);
  if (signedIn.outcome !== 'signed in' || !cookie)
    throw new Error(`revocation probe: sign-in on A ended ${signedIn.outcome}`);
  const beforeOnB = await dashboardWith(b, cookie, revocation.email);
  const signedOut = await signOut([], a, signedIn.jar, soak.signOutActionId);
  const afterOnB = await dashboardWith(b, cookie, revocation.email);
  const revokedAcross = beforeOnB && signedOut && !afterOnB;
  say(
    `  revocation across: copied cookie on B before sign-out ${beforeOnB ? 'works' : 'refused'}; ` +
      `sign-out on A ${signedOut ? 'done' : 'failed'}; B's very next request ${afterOnB ? 'still signed in' : 'refused'} ` +
      `→ ${revokedAcross ? 'held' : 'not held'}`,
  );

  // Lockout across, Redis up: 5 wrong passwords alternating A/B, then the right one on B.
  const { lockoutAcross } = soak.probes;
  const wrong: string[] = [];
  for (let i = 0; i < 5; i++)
    wrong.push((await probeSignIn(soak, i % 2 ? b : a, withWrongPassword(lockoutAcross))).outcome);
  const right = (await probeSignIn(soak, b, lockoutAcross)).outcome;
  const lockedAcross = right === 'too many attempts';
  say(
    `  lockout across: 5 wrong alternating A/B → ${tallyOf(wrong)}; then the right password on B → ${right} ` +
      `→ ${lockedAcross ? 'held' : 'not held'}`,
  );

  // Lockout across with Redis down: how many wrong guesses are checked before a refusal.
  await soak.redis.kill();
  const downAt = Date.now();
  const target = soak.probes.lockoutAcrossRedisDown;
  const answers: string[] = [];
  let checked = 0;
  let refusedAfter: number | null = null;
  for (let i = 0; i < MAX_GUESSES; i++) {
    const outcome = (await probeSignIn(soak, i % 2 ? b : a, withWrongPassword(target))).outcome;
    answers.push(`${i % 2 ? 'B' : 'A'} ${outcome}`);
    if (outcome === 'too many attempts') {
      refusedAfter = checked;
      break;
    }
    if (outcome === 'wrong password') checked++;
  }
  const rightDown = refusedAfter === null ? 'not tried' : (await probeSignIn(soak, a, target)).outcome;
  const lockedAcrossRedisDown =
    refusedAfter !== null && refusedAfter <= 5 && rightDown === 'too many attempts';
  say(`  lockout across with Redis down (killed; ${since(downAt)} of guessing):`);
  say(`    answers: ${tallyOf(answers)}`);
  say(
    `    wrong guesses checked before a refusal: ${refusedAfter ?? `${checked} checked, never refused in ${MAX_GUESSES}`}; ` +
      `then the right password on A → ${rightDown} → ${lockedAcrossRedisDown ? 'held' : 'not held'}`,
  );
  const restartMs = await soak.redis.restart();
  say(`  Redis restarted (pid ${soak.redis.pid()}), answering PING after ${restartMs} ms`);
  return {
    revokedAcross,
    lockedAcross,
    checkedBeforeRefusal: refusedAfter,
    checked,
    answersDown: tallyOf(answers.map((x) => x.slice(2))),
    lockedAcrossRedisDown,
  };
}

export type SigtermVerdict = {
  dropped: number;
  inFlight: number;
  exitCode: number | null;
  exitSignal: string | null;
  exitedWithin: number | null;
  mismatches: number;
};

const EXIT_LIMIT_MS = 30_000;

/** Phase 5: SIGTERM to the process running server.mjs (instance A) while the load runs on it. */
export async function sigtermPhase(soak: Soak): Promise<SigtermVerdict> {
  const { load, say } = soak;
  const server = soak.a;
  say(`phase 5, SIGTERM under load to pid ${server.pid} (node server.mjs, ${server.baseUrl})`);
  const from = Date.now();
  load.start(server.baseUrl);
  await sleep(10_000);
  const sigAt = Date.now();
  process.kill(server.pid, 'SIGTERM');
  const exit = await Promise.race([server.exited, sleep(EXIT_LIMIT_MS).then(() => null)]);
  const exitAt = Date.now();
  await sleep(1000);
  await load.stop();
  const to = Date.now();

  const mine = startedIn(load.requests, from, to).filter((r) => r.server === server.baseUrl);
  const inFlight = mine.filter((r) => r.start < sigAt && r.end >= sigAt);
  const after = mine.filter((r) => r.start >= sigAt);
  const answered = (rs: RequestRecord[]) => rs.filter((r) => typeof r.answer === 'number');
  const lost = (rs: RequestRecord[]) => rs.filter((r) => r.answer === 'dropped' || r.answer === 'timeout');
  const refused = after.filter((r) => r.answer === 'refused');
  const dropped = lost(inFlight).length + lost(after).length;
  say(
    `  in flight at the SIGTERM: ${inFlight.length}; completed ${answered(inFlight).length} ` +
      `(${tallyOf(answered(inFlight).map((r) => String(r.answer))) || 'none'}), ` +
      `dropped ${lost(inFlight).length}${lost(inFlight).length ? ` (${tallyOf(lost(inFlight).map((r) => r.error ?? String(r.answer)))})` : ''}`,
  );
  say(
    `  started after it: ${after.length}; answered ${answered(after).length} ` +
      `(${tallyOf(answered(after).map((r) => String(r.answer))) || 'none'}), connection refused ${refused.length} ` +
      `(not accepted: a balancer sends those elsewhere), dropped after being accepted ${lost(after).length}`,
  );
  say(
    `  requests dropped: ${dropped}; completed before the SIGTERM: ${mine.length - inFlight.length - after.length}`,
  );
  say(
    exit
      ? `  the process exited ${exit.code !== null ? `with code ${exit.code}` : `by signal ${exit.signal}`} ` +
          `${exitAt - sigAt} ms after the SIGTERM`
      : `  the process was still running ${EXIT_LIMIT_MS / 1000} s after the SIGTERM`,
  );
  const audit = await auditCheck(soak.sql, soak.users, load, from, to);
  for (const line of audit.lines) say(`  ${line}`);
  return {
    dropped,
    inFlight: inFlight.length,
    exitCode: exit ? exit.code : null,
    exitSignal: exit ? exit.signal : null,
    exitedWithin: exit ? exitAt - sigAt : null,
    mismatches: audit.mismatches,
  };
}
