// `npm run bench`: what the session check costs a protected page, what a password sign-in and
// the second sign-in step (backup code, authenticator code) cost next to an argon2id
// verification, and whether /forgot-password answers known and unknown addresses alike. One production server of our own (bench/server.ts), loopback only, throwaway
// database; every figure below comes from the same run.
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import {
  type Account,
  type MfaAccount,
  register,
  registerWithTwoFactor,
  signInWithBackupCode,
  signInWithTotp,
} from './accounts';
import { actionFormFields, expectSignedIn, formData, submitAction } from './forms';
import { REQUESTS_PER_ADDRESS, resetRequests } from './reset';
import { type BenchServer, ensureBuild, startServer } from './server';

const CONCURRENCY = 8;
const WARMUP_MS = 3000;
/** Page rounds: each round measures both pages, alternating which goes first (A B, B A, …). */
const ROUNDS = 5;
const ROUND_MS = 4000;
const SIGN_IN_WARMUP = 3;
const SIGN_INS = 40;
/**
 * Sign-ins rotate over this many accounts: the app verifies at most 30 passwords per account in
 * 15 minutes (right or wrong) and keeps 20 live sessions per account, so one account cannot take
 * all 43 and keep the dashboard's cookie alive.
 */
const SIGN_IN_ACCOUNTS = 4;
const ARGON2_RUNS = 40;
/**
 * Second step: backup codes are single use (10 per enrollment), so the samples come from
 * `MFA_ACCOUNTS` accounts, round-robin, one code of each per round; the warm-up uses codes of one
 * more account. Each of those accounts also gives one authenticator-code sample (a code works
 * once per 30-second step). Only successes: failures count towards the app's lockouts.
 */
const MFA_ACCOUNTS = 4;
const BACKUP_CODES = 10;
const SECOND_STEP_WARMUP = 2;
/** lib/auth/password.ts: OWASP's argon2id minimum. `2` is Algorithm.Argon2id (a const enum). */
const ARGON2_PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** Reset requests: rounds of one known and one unknown address, after a warm-up. */
const RESET_ROUNDS = 48;
const RESET_WARMUP_ROUNDS = 2;
/** The fixed email app/bench/dashboard/page.tsx shows. */
const BENCH_PAGE_EMAIL = 'bench@example.com';

type Page = { label: string; path: string; headers: Record<string, string>; marker: string };

type Load = { requests: number; seconds: number; perSecond: number; bytes: number; latencies: number[] };

/** `CONCURRENCY` clients requesting `page` back to back for `ms`; every answer must be 200 and the page. */
async function load(baseUrl: string, page: Page, ms: number): Promise<Load> {
  const latencies: number[] = [];
  let bytes = 0;
  const start = performance.now();
  const end = start + ms;
  const client = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const response = await fetch(`${baseUrl}${page.path}`, { headers: page.headers, redirect: 'manual' });
      const body = await response.text();
      latencies.push(performance.now() - t0);
      if (response.status !== 200 || !body.includes(page.marker)) {
        throw new Error(
          `GET ${page.path} answered ${response.status}${response.headers.get('location') ? ` to ${response.headers.get('location')}` : ''}` +
            `${response.status === 200 ? ` without "${page.marker}"` : ''}`,
        );
      }
      bytes = body.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const seconds = (performance.now() - start) / 1000;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, bytes, latencies };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

const median = (values: number[]) => percentile(values, 50);
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main() {
  ensureBuild();
  console.info(
    `bench: starting the production server (node ${process.version}, ${availableParallelism()} CPUs)`,
  );
  let server: BenchServer | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    console.error(`bench: ${signal}, stopping`);
    void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    server = await startServer();
    const baseUrl = server.baseUrl;
    console.info(`bench: server ready on ${baseUrl}`);

    // Accounts through the real registration form; and accounts with two-factor on
    // (enrolled on /settings/security), one of them for the second step's warm-up.
    const signInAccounts: Account[] = [];
    for (let i = 0; i < SIGN_IN_ACCOUNTS; i++) signInAccounts.push(await register(baseUrl));
    const warmupAccount = await registerWithTwoFactor(baseUrl);
    const mfaAccounts: MfaAccount[] = [];
    for (let i = 0; i < MFA_ACCOUNTS; i++) mfaAccounts.push(await registerWithTwoFactor(baseUrl));

    // Sign-in: sequential, so each one is the full cost of one sign-in on an otherwise idle server.
    const loginFields = await actionFormFields(`${baseUrl}/login`);
    let nextAccount = 0;
    let signedInAs = '';
    const signIn = async () => {
      const { email, password } = signInAccounts[nextAccount++ % SIGN_IN_ACCOUNTS] as Account;
      signedInAs = email;
      return expectSignedIn(
        'sign-in',
        await submitAction(
          `${baseUrl}/login`,
          formData(loginFields, { email, password, callbackUrl: '/dashboard' }),
        ),
        '/dashboard',
      );
    };
    let cookie = '';
    for (let i = 0; i < SIGN_IN_WARMUP; i++) cookie = await signIn();
    // The dashboard's visitor: the account the warm-up's last cookie belongs to.
    const email = signedInAs;
    const signInMs: number[] = [];
    for (let i = 0; i < SIGN_INS; i++) signInMs.push(await timed(signIn));

    // Second step, sequential too: password step (untimed), then the timed POST of the code to
    // /login/verify. A backup code is checked against every unused code of the account, so
    // round r (0-based) of the backup codes checks BACKUP_CODES - r of them.
    for (let i = 0; i < SECOND_STEP_WARMUP; i++) await signInWithBackupCode(baseUrl, warmupAccount);
    const backupMs: number[] = [];
    const backupMsByUnused = new Map<number, number[]>();
    for (let round = 0; round < BACKUP_CODES; round++) {
      for (const account of mfaAccounts) {
        const unused = account.backupCodes.length;
        const { ms } = await signInWithBackupCode(baseUrl, account);
        backupMs.push(ms);
        backupMsByUnused.set(unused, [...(backupMsByUnused.get(unused) ?? []), ms]);
      }
    }
    const totpMs: number[] = [];
    for (const account of [warmupAccount, ...mfaAccounts]) {
      totpMs.push((await signInWithTotp(baseUrl, account)).ms);
    }

    // Reset requests, sequential: known and unknown addresses alternate. The warm-up uses an
    // account of its own, so no known address passes the per-address limit.
    const resetAccounts = Math.ceil(RESET_ROUNDS / REQUESTS_PER_ADDRESS) + 1;
    const known: string[] = [];
    for (let i = 0; i < resetAccounts; i++) known.push((await register(baseUrl)).email);
    await resetRequests(baseUrl, known.slice(0, 1), RESET_WARMUP_ROUNDS);
    const reset = await resetRequests(baseUrl, known.slice(1), RESET_ROUNDS);

    // argon2id in this process, while the server is idle: the same parameters as the app.
    const { password } = signInAccounts[0] as Account;
    const stored = await hash(password, ARGON2_PARAMS);
    const hashMs: number[] = [];
    const verifyMs: number[] = [];
    for (let i = 0; i < 3; i++) await verify(stored, password);
    for (let i = 0; i < ARGON2_RUNS; i++) {
      verifyMs.push(
        await timed(async () => {
          if (!(await verify(stored, password))) throw new Error('argon2 verify rejected the right password');
        }),
      );
    }
    for (let i = 0; i < ARGON2_RUNS / 4; i++) hashMs.push(await timed(() => hash(password, ARGON2_PARAMS)));

    // Pages.
    const pages: [Page, Page] = [
      {
        label: 'protected page (/dashboard, session check)',
        path: '/dashboard',
        headers: { cookie },
        marker: email,
      },
      {
        label: 'same page without session check (/bench/dashboard)',
        path: '/bench/dashboard',
        headers: {},
        marker: BENCH_PAGE_EMAIL,
      },
    ];
    for (const page of pages) await load(baseUrl, page, WARMUP_MS);
    const rounds: [Load, Load][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      const result: Load[] = [];
      for (const i of order) result[i] = await load(baseUrl, pages[i as 0 | 1], ROUND_MS);
      rounds.push([result[0] as Load, result[1] as Load]);
    }

    // Report.
    const rps = (i: 0 | 1) => median(rounds.map((r) => r[i].perSecond));
    const p50 = (i: 0 | 1) => median(rounds.flatMap((r) => r[i].latencies));
    const protectedRps = rps(0);
    const openRps = rps(1);
    const labelWidth = Math.max(...pages.map((p) => p.label.length));
    const line = (label: string, value: string) => console.info(`  ${label.padEnd(labelWidth)} : ${value}`);

    console.info('');
    console.info(
      `Latchkey bench: production build, PGlite, in-process rate limits; node ${process.version}, ` +
        `${availableParallelism()} CPUs shared by server and load generator`,
    );
    console.info(
      `pages: ${CONCURRENCY} concurrent keep-alive clients, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s per page ` +
        `after ${WARMUP_MS / 1000} s warm-up; medians of the rounds`,
    );
    console.info('');
    pages.forEach((page, i) => {
      const mine = rounds.map((r) => r[i as 0 | 1]);
      line(
        page.label,
        `${fmt(rps(i as 0 | 1))} req/s  (rounds: ${mine.map((r) => fmt(r.perSecond, 0)).join(', ')}; ` +
          `latency p50 ${fmt(p50(i as 0 | 1))} ms; ${mine[0]?.bytes ?? 0} bytes)`,
      );
    });
    line('ratio (with / without session check)', `${fmt(protectedRps / openRps, 2)}`);
    line(
      'server time added per request',
      `≈ ${fmt(1000 / protectedRps - 1000 / openRps, 2)} ms (1/rate with minus 1/rate without, at saturation)`,
    );
    console.info('');
    const signInP50 = median(signInMs);
    const verifyP50 = median(verifyMs);
    line(
      'sign-in (POST /login action to 303)',
      `p50 ${fmt(signInP50)} ms / p95 ${fmt(percentile(signInMs, 95))} ms  (${SIGN_INS} sequential, after ${SIGN_IN_WARMUP} warm-up)`,
    );
    line(
      'argon2id verify (m=19456, t=2, p=1)',
      `p50 ${fmt(verifyP50)} ms / p95 ${fmt(percentile(verifyMs, 95))} ms  (${ARGON2_RUNS} runs; hash p50 ${fmt(median(hashMs))} ms)`,
    );
    line('ratio p50 sign-in / argon2id verify', `${fmt(signInP50 / verifyP50, 2)}`);
    line('sign-in time outside argon2id (p50 difference)', `≈ ${fmt(signInP50 - verifyP50)} ms`);
    console.info('');
    const backupP50 = median(backupMs);
    line(
      'second step, backup code (/login/verify to 303)',
      `p50 ${fmt(backupP50)} ms / p95 ${fmt(percentile(backupMs, 95))} ms  ` +
        `(${backupMs.length} sequential: ${MFA_ACCOUNTS} accounts × ${BACKUP_CODES} codes, after ${SECOND_STEP_WARMUP} warm-up)`,
    );
    line(
      '  p50 by unused codes (argon2id verifies per code)',
      `${[...backupMsByUnused]
        .sort(([a], [b]) => b - a)
        .map(([unused, ms]) => `${unused}: ${fmt(median(ms), 0)}`)
        .join(', ')} ms  (${MFA_ACCOUNTS} each)`,
    );
    line(
      'second step, authenticator code (same action)',
      `p50 ${fmt(median(totpMs))} ms / max ${fmt(Math.max(...totpMs))} ms  (${totpMs.length} sequential, one per account)`,
    );
    line('ratio p50 second step (backup) / argon2id verify', `${fmt(backupP50 / verifyP50, 2)}`);
    line('ratio p50 second step (backup) / sign-in', `${fmt(backupP50 / signInP50, 2)}`);

    console.info('');
    const resetMs = (isKnown: boolean) => reset.samples.filter((r) => r.known === isKnown).map((r) => r.ms);
    const knownP50 = median(resetMs(true));
    const unknownP50 = median(resetMs(false));
    line(
      'reset request, address with an account',
      `p50 ${fmt(knownP50)} ms / p95 ${fmt(percentile(resetMs(true), 95))} ms  (${RESET_ROUNDS} sequential, alternating)`,
    );
    line(
      'reset request, address without an account',
      `p50 ${fmt(unknownP50)} ms / p95 ${fmt(percentile(resetMs(false), 95))} ms`,
    );
    line(
      'ratio p50 known / unknown',
      `${fmt(knownP50 / unknownP50, 2)} (difference ${fmt(knownP50 - unknownP50)} ms)`,
    );
    // Each round is one known and one unknown request back to back: their difference, round by
    // round, cancels out what drifts during the run.
    const paired = reset.samples.flatMap((a, i) => {
      const b = reset.samples[i + 1];
      return i % 2 === 0 && b ? [a.known ? a.ms - b.ms : b.ms - a.ms] : [];
    });
    line(
      '  known minus unknown, same round',
      `median ${fmt(median(paired))} ms; middle half ${fmt(percentile(paired, 25))} to ${fmt(percentile(paired, 75))} ms`,
    );
    line(
      'replies (status; text, address masked)',
      `${[...reset.statuses].join(', ')}; ${reset.replies.size === 1 ? 'identical' : `DIFFER: ${[...reset.replies].join(' || ')}`}`,
    );

    const log = server
      .log()
      .split('\n')
      .filter(
        (l) => l.trim() && !/^latchkey: (production server on|database ready)|Running next\.config/.test(l),
      );
    console.info('');
    console.info(
      log.length ? `server log (${log.length} lines):\n${log.slice(0, 40).join('\n')}` : 'server log: clean',
    );
  } catch (error) {
    const tail = server?.log().trim().split('\n').slice(-30).join('\n');
    if (tail) console.error(`bench: the server's last output:\n${tail}`);
    throw error;
  } finally {
    await server?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
