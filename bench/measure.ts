// One configuration of `npm run bench` (the embedded PGlite, or PostgreSQL + Redis) measured from
// start to end against production servers of its own: what the session check costs a protected
// page, whether a signed-out session's copied cookie is refused at once, what a password sign-in
// and the second step (backup code, authenticator code) cost next to an argon2id verification in
// this process, reset-request timing, the JSON API's (bench/api.ts), and the server's memory at
// the end. Every sample is a checked success (status and marker); anything else throws, and the
// configuration has no figures.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type Account,
  type MfaAccount,
  register,
  registerWithTwoFactor,
  signInWithBackupCode,
  signInWithTotp,
} from './accounts';
import { RunAddresses } from './addresses';
import { type ApiFigures, measureApi } from './api';
import { argon2Beside } from './argon2';
import { actionFormFields, CookieJar, expectSignedIn, formData, SESSION_COOKIE, submitAction } from './forms';
import { type Load, load, type Page } from './load';
import { REQUESTS_PER_ADDRESS, type ResetReplies, resetRequests } from './reset';
import { copiedCookieCheck, type RevocationCheck } from './revocation';
import { type BenchServer, freePort, newSigningKey, startServer } from './server';
import { timed } from './stats';

export const WARMUP_MS = 3000;
/** Page rounds: each round measures both pages, alternating which goes first (A B, B A, …). */
export const ROUNDS = 5;
export const ROUND_MS = 4000;
export const SIGN_IN_WARMUP = 3;
export const SIGN_INS = 40;
/** The bench-only form whose action does nothing but validate and redirect (app/bench/sign-in). */
export const FLOOR_ROUTE = '/bench/sign-in';
/**
 * Sign-ins rotate over this many accounts: the app verifies at most 30 passwords per account in
 * 15 minutes (right or wrong) and keeps 20 live sessions per account, so one account cannot take
 * all 43 and keep the dashboard's cookie alive.
 */
const SIGN_IN_ACCOUNTS = 4;
const ARGON2_HASHES = 10;
/**
 * Second step: backup codes are single use (10 per enrollment, each sample uses one at random),
 * so the samples come from `2 × BACKUP_PAIRS` accounts. In each pair one account is sampled at 9
 * to 5 unused codes while the other, 5 codes spent in the warm-up, is sampled at 5 to 1,
 * alternately: many and few codes measured side by side, so a server that speeds up or slows
 * down during the run does not pass for a cost that depends on the count. Every account's first
 * use (the one that mails a notice) is in the warm-up. Each account also gives one
 * authenticator-code sample (a code works once per 30-second step). Only successes: failures
 * count towards the app's lockouts.
 */
export const BACKUP_PAIRS = 4;
export const BACKUP_SAMPLES_PER_ACCOUNT = 5;
const BACKUP_WARMUP = { many: 1, few: 5 };
/** Reset requests: rounds of one known and one unknown address, after a warm-up. */
export const RESET_ROUNDS = 48;
const RESET_WARMUP_ROUNDS = 2;
/** The fixed email app/bench/dashboard/page.tsx shows. */
const BENCH_PAGE_EMAIL = 'bench@example.com';

export type Configuration = {
  /** How the report names it: `PGlite, in-process limits`, `PostgreSQL + Redis`, … */
  name: string;
  /** Nothing configured: PGlite and in-process limits, what `npm start` runs with. */
  embedded: boolean;
  /** Settings for its servers, over the bench's own (DATABASE_URL, REDIS_URL). */
  env: Record<string, string>;
  /** Also start a second instance on the same database and store, for revocation across them. */
  twoInstances: boolean;
};

export type Figures = {
  configuration: Configuration;
  /** The protected page, then the same page without the session check. */
  pages: [{ label: string; rounds: Load[] }, { label: string; rounds: Load[] }];
  signInMs: number[];
  /**
   * The framework's floor, one beside each sign-in: the same form posted from a new browser to a
   * bench-only action that validates the fields like the sign-in and answers 303, doing nothing
   * else (app/bench/sign-in). What any form post costs here before the app does anything.
   */
  floorMs: number[];
  /**
   * argon2id verifications in the bench process, one beside each sample of the sign-ins and of
   * the backup-code step: the baseline each is compared with, measured over the same minutes.
   */
  verifyMs: { signIn: number[]; backup: number[] };
  hashMs: number[];
  /** Each backup-code sample with how many unused codes the account had before it. */
  backup: { unused: number; ms: number }[];
  totpMs: number[];
  reset: ResetReplies;
  /** The JSON API for programs (/api/v1): sign-in, second step, refresh, bearer check. */
  api: ApiFigures;
  /** Same instance first; then across instances, when there are two. */
  revocation: RevocationCheck[];
  /** VmRSS of each server process at the end, in kB (instance A first). */
  rssKb: { label: string; kb: number }[];
  /**
   * The measured server's VmRSS right before the API figures, in kB: what the web figures left
   * (the end's reading before the API was part of the bench), so the API part's share shows.
   */
  rssBeforeApiKb: number;
  logs: { label: string; log: string }[];
};

/** A configuration that could not be measured: the cause, and what its servers printed. */
export class MeasureFailed extends Error {
  constructor(
    readonly configuration: string,
    cause: unknown,
    readonly logs: { label: string; log: string }[],
  ) {
    super(`${configuration}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    // Where it failed is the cause's stack, not this constructor's.
    const frames = cause instanceof Error ? cause.stack?.split('\n').slice(1) : undefined;
    if (frames) this.stack = [`MeasureFailed: ${this.message}`, ...frames].join('\n');
  }
}

/** The process's resident memory now (VmRSS of /proc/PID/status), in kB. */
function residentKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/**
 * Measure one configuration. `started` hears of every server as soon as it runs (so a signal can
 * stop it); they are all stopped before this returns or throws.
 */
export async function measure(
  configuration: Configuration,
  started: (server: BenchServer) => void,
): Promise<Figures> {
  // Every request of this configuration comes from client addresses no other run uses (its
  // limits may live in a shared Redis); the sign-ins, pages and second steps from one of them.
  const addresses = new RunAddresses();
  const from = addresses.next();
  const servers: { label: string; server: BenchServer }[] = [];
  const port = await freePort();
  // Instances share the secrets and the public URL, as instances behind one balancer do.
  const env = {
    ...configuration.env,
    ...(configuration.twoInstances ? sharedSecrets(port) : {}),
  };
  const start = async (label: string, options: { port?: number }) => {
    const server = await startServer({ ...options, env });
    started(server);
    servers.push({ label, server });
    console.info(`bench: ${configuration.name}: ${label} ready on ${server.baseUrl} (pid ${server.pid})`);
    return server;
  };
  try {
    const a = await start(configuration.twoInstances ? 'instance A' : 'server', { port });
    const { figures, sameInstance, signIn } = await measureOn(a.baseUrl, from, addresses, () =>
      residentKb(a.pid),
    );
    const revocation = [sameInstance];
    if (configuration.twoInstances) {
      const b = await start('instance B', {});
      revocation.push(...(await acrossInstances(a.baseUrl, b.baseUrl, signIn)));
    }
    return {
      configuration,
      ...figures,
      revocation,
      rssKb: servers.map(({ label, server }) => ({ label, kb: residentKb(server.pid) })),
      logs: servers.map(({ label, server }) => ({ label, log: server.log() })),
    };
  } catch (error) {
    throw new MeasureFailed(
      configuration.name,
      error,
      servers.map(({ label, server }) => ({ label, log: server.log() })),
    );
  } finally {
    await Promise.all(servers.map(({ server }) => server.stop()));
  }
}

function sharedSecrets(port: number): Record<string, string> {
  return {
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    MFA_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}`,
    API_SIGNING_KEY: newSigningKey(),
    APP_URL: `http://localhost:${port}`,
  };
}

type OneServer = {
  figures: Omit<Figures, 'configuration' | 'revocation' | 'rssKb' | 'logs'>;
  sameInstance: RevocationCheck;
  /** A new browser at `from`, signed in with a password (for the checks across instances). */
  signIn: (baseUrl: string) => Promise<CookieJar>;
};

/** Everything measured on one server, in this order, each part sequential unless it says so. */
async function measureOn(
  baseUrl: string,
  from: string,
  addresses: RunAddresses,
  /** The server's VmRSS now, in kB. */
  rssKb: () => number,
): Promise<OneServer> {
  // Accounts through the real registration form; and accounts with two-factor on (enrolled on
  // /settings/security).
  const signInAccounts: Account[] = [];
  for (let i = 0; i < SIGN_IN_ACCOUNTS; i++)
    signInAccounts.push(await register(baseUrl, new CookieJar(from)));
  const backupAccounts: MfaAccount[] = [];
  for (let i = 0; i < 2 * BACKUP_PAIRS; i++)
    backupAccounts.push(await registerWithTwoFactor(baseUrl, new CookieJar(from)));

  // Sign-in: sequential, so each one is the full cost of one sign-in on an otherwise idle server.
  // Each from a new browser, as today's bench server sees one: no device cookie.
  const loginFields = await actionFormFields(`${baseUrl}/login`, { jar: new CookieJar(from) });
  let nextAccount = 0;
  let signedInAs = '';
  const signIn = async (at = baseUrl) => {
    const jar = new CookieJar(from);
    const { email, password } = signInAccounts[nextAccount++ % SIGN_IN_ACCOUNTS] as Account;
    signedInAs = email;
    const fields = at === baseUrl ? loginFields : await actionFormFields(`${at}/login`, { jar });
    expectSignedIn(
      'sign-in',
      await submitAction(
        `${at}/login`,
        formData(fields, { email, password, callbackUrl: '/dashboard' }),
        jar,
      ),
      '/dashboard',
    );
    return jar;
  };
  let dashboardJar = new CookieJar(from);
  for (let i = 0; i < SIGN_IN_WARMUP; i++) dashboardJar = await signIn();
  // The dashboard's visitor: the account the warm-up's last session belongs to.
  const email = signedInAs;
  const argon2 = await argon2Beside();
  const floorFields = await actionFormFields(`${baseUrl}${FLOOR_ROUTE}`, { jar: new CookieJar(from) });
  const floor = async () => {
    const result = await submitAction(
      `${baseUrl}${FLOOR_ROUTE}`,
      formData(floorFields, {
        email: 'floor@example.com',
        password: 'not a password at all',
        callbackUrl: '/',
      }),
      new CookieJar(from),
    );
    if (result.status !== 303) throw new Error(`POST ${FLOOR_ROUTE} answered ${result.status}, expected 303`);
  };
  for (let i = 0; i < SIGN_IN_WARMUP; i++) await floor();
  const signInMs: number[] = [];
  const signInVerifyMs: number[] = [];
  const floorMs: number[] = [];
  for (let i = 0; i < SIGN_INS; i++) {
    const pair = await argon2.beside(i, () => timed(() => signIn()));
    signInMs.push(pair.ms);
    signInVerifyMs.push(pair.verifyMs);
    floorMs.push(await timed(floor));
  }

  // Second step, sequential too: password step (untimed), then the timed POST of the code to
  // /login/verify.
  const many = backupAccounts.slice(0, BACKUP_PAIRS);
  const few = backupAccounts.slice(BACKUP_PAIRS);
  for (const [group, spend] of [
    [many, BACKUP_WARMUP.many],
    [few, BACKUP_WARMUP.few],
  ] as const) {
    for (const account of group)
      for (let i = 0; i < spend; i++) await signInWithBackupCode(baseUrl, account, from);
  }
  const backup: { unused: number; ms: number }[] = [];
  const backupVerifyMs: number[] = [];
  const sample = async (account: MfaAccount) => {
    const unused = account.backupCodes.length;
    const pair = await argon2.beside(
      backup.length,
      async () => (await signInWithBackupCode(baseUrl, account, from)).ms,
    );
    backup.push({ unused, ms: pair.ms });
    backupVerifyMs.push(pair.verifyMs);
  };
  for (let round = 0; round < BACKUP_SAMPLES_PER_ACCOUNT; round++) {
    for (const [i, m] of many.entries()) {
      const f = few[i] as MfaAccount;
      for (const account of (round + i) % 2 === 0 ? [m, f] : [f, m]) await sample(account);
    }
  }
  const totpMs: number[] = [];
  for (const account of backupAccounts) totpMs.push((await signInWithTotp(baseUrl, account, from)).ms);

  // Reset requests, sequential: known and unknown addresses alternate. The warm-up uses an
  // account of its own, so no known address passes the per-address limit.
  const resetAccounts = Math.ceil(RESET_ROUNDS / REQUESTS_PER_ADDRESS) + 1;
  const known: string[] = [];
  for (let i = 0; i < resetAccounts; i++) known.push((await register(baseUrl, new CookieJar(from))).email);
  const client = () => addresses.next();
  await resetRequests(baseUrl, known.slice(0, 1), RESET_WARMUP_ROUNDS, client);
  const reset = await resetRequests(baseUrl, known.slice(1), RESET_ROUNDS, client);

  const hashMs = await argon2.hashes(ARGON2_HASHES);

  // Pages.
  const cookie = dashboardJar.get(SESSION_COOKIE);
  const pages: [Page, Page] = [
    {
      label: 'protected page (/dashboard, session check)',
      path: '/dashboard',
      headers: { cookie: `${SESSION_COOKIE}=${cookie}`, 'x-forwarded-for': from },
      marker: email,
    },
    {
      label: 'same page without session check (/bench/dashboard)',
      path: '/bench/dashboard',
      headers: { 'x-forwarded-for': from },
      marker: BENCH_PAGE_EMAIL,
    },
  ];
  for (const page of pages) await load(baseUrl, page, WARMUP_MS);
  const rounds: [Load[], Load[]] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    for (const i of round % 2 === 0 ? [0, 1] : [1, 0])
      rounds[i as 0 | 1].push(await load(baseUrl, pages[i as 0 | 1], ROUND_MS));
  }

  // Revocation, right after: the session the page rounds just used thousands of times.
  const sameInstance = await copiedCookieCheck({
    label: 'same server',
    jar: dashboardJar,
    signOutAt: baseUrl,
    checkAt: baseUrl,
  });

  // The API for programs, from a client address of its own (its per-IP budgets are its own);
  // the two-factor accounts' authenticator codes of the web's second step are a minute old by now.
  const rssBeforeApiKb = rssKb();
  const api = await measureApi(baseUrl, addresses.next(), argon2, backupAccounts);

  return {
    figures: {
      pages: [
        { label: pages[0].label, rounds: rounds[0] },
        { label: pages[1].label, rounds: rounds[1] },
      ],
      signInMs,
      floorMs,
      verifyMs: { signIn: signInVerifyMs, backup: backupVerifyMs },
      hashMs,
      backup,
      totpMs,
      reset,
      api,
      rssBeforeApiKb,
    },
    sameInstance,
    signIn,
  };
}

/**
 * Two instances on one database and store: a session signed in on one, its copied cookie used on
 * both, signed out on one, then the copy's very next request on the other; both ways round.
 */
async function acrossInstances(
  a: string,
  b: string,
  signIn: (baseUrl: string) => Promise<CookieJar>,
): Promise<RevocationCheck[]> {
  const checks: RevocationCheck[] = [];
  for (const [out, other, name] of [
    [a, b, 'A → B'],
    [b, a, 'B → A'],
  ] as const) {
    checks.push(
      await copiedCookieCheck({
        label: name,
        jar: await signIn(out),
        signOutAt: out,
        checkAt: other,
        warmAt: [out, other],
      }),
    );
  }
  return checks;
}
