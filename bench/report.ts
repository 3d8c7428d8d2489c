// One configuration's section of the `npm run bench` report: the raw figures, each next to its
// baseline from the same run, then what its servers logged (repeated lines once, with a count).
import {
  API_ACCOUNTS,
  API_SIGN_IN_WARMUP,
  API_SIGN_INS,
  BEARER_ROUND_MS,
  BEARER_ROUNDS,
  BEARER_WARMUP_MS,
  HEALTH_ROUTE,
  REFRESH_WARMUP,
  REFRESHES,
} from './api';
import { ARGON2_LABEL } from './argon2';
import { headline } from './goals';
import { CONCURRENCY, type Load } from './load';
import {
  BACKUP_PAIRS,
  BACKUP_SAMPLES_PER_ACCOUNT,
  type Figures,
  FLOOR_ROUTE,
  RESET_ROUNDS,
  ROUND_MS,
  ROUNDS,
  SIGN_IN_WARMUP,
  SIGN_INS,
  WARMUP_MS,
} from './measure';
import { logSummary } from './server-log';
import { fmt, median, percentile } from './stats';

const LABEL_WIDTH = 52;

export function printSection(f: Figures, say: (line?: string) => void): void {
  const h = headline(f);
  const line = (label: string, value: string) => say(`  ${label.padEnd(LABEL_WIDTH)} : ${value}`);
  say(`${f.configuration.name}:`);
  say(
    `  pages: ${CONCURRENCY} concurrent keep-alive clients, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s per page ` +
      `after ${WARMUP_MS / 1000} s warm-up; medians of the rounds`,
  );
  const rps = (i: 0 | 1) => median(f.pages[i].rounds.map((r) => r.perSecond));
  printLoads(f.pages, line);
  line(
    'ratio (with / without session check)',
    `${fmt(h.pageRatio, 2)} median of the rounds' ratios (${h.roundRatios.map((r) => fmt(r, 2)).join(', ')}); ` +
      `of the medians ${fmt(rps(0) / rps(1), 2)}`,
  );
  line(
    'server time added per request',
    `≈ ${fmt(1000 / rps(0) - 1000 / rps(1), 2)} ms (1/rate with minus 1/rate without, at saturation)`,
  );
  if (f.revocation.length > 1)
    say("  (A → B: signed out on instance A, then the copy's very next request on B)");
  for (const check of f.revocation) {
    line(
      `copied cookie after sign-out (${check.label})`,
      `${check.refused ? 'refused' : 'STILL SIGNED IN'}: ${check.after} (before the sign-out: ${check.before.join(', ')})`,
    );
  }

  say();
  line(
    'sign-in (POST /login action to 303)',
    `p50 ${fmt(h.signInP50)} ms / p95 ${fmt(percentile(f.signInMs, 95))} ms  (${SIGN_INS} sequential, after ${SIGN_IN_WARMUP} warm-up)`,
  );
  line(
    `argon2id verify (${ARGON2_LABEL}), beside each`,
    `p50 ${fmt(h.signInVerifyP50)} ms / p95 ${fmt(percentile(f.verifyMs.signIn, 95))} ms  ` +
      `(in the bench process, before or after each sign-in in turn; hash p50 ${fmt(median(f.hashMs))} ms)`,
  );
  line('ratio p50 sign-in / argon2id verify', `${fmt(h.signInP50 / h.signInVerifyP50, 2)}`);
  line('sign-in time outside argon2id (p50 difference)', `≈ ${fmt(h.signInP50 - h.signInVerifyP50)} ms`);
  line(
    'framework floor (same form, do-nothing action, 303)',
    `p50 ${fmt(h.floorP50)} ms / p95 ${fmt(percentile(f.floorMs, 95))} ms  (${FLOOR_ROUTE}, one beside each sign-in)`,
  );
  line('sign-in beyond argon2id and the floor', `≈ ${fmt(h.signInP50 - h.signInVerifyP50 - h.floorP50)} ms`);

  say();
  const backupMs = f.backup.map((b) => b.ms);
  const byUnused = new Map<number, number[]>();
  for (const b of f.backup) byUnused.set(b.unused, [...(byUnused.get(b.unused) ?? []), b.ms]);
  line(
    'second step, backup code (/login/verify to 303)',
    `p50 ${fmt(h.backupP50)} ms / p95 ${fmt(percentile(backupMs, 95))} ms  ` +
      `(${backupMs.length} sequential: ${2 * BACKUP_PAIRS} accounts × ${BACKUP_SAMPLES_PER_ACCOUNT}, ` +
      'a random unused code each, after a warm-up)',
  );
  line(
    '  p50 by unused codes (samples)',
    `${[...byUnused]
      .sort(([a], [b]) => b - a)
      .map(([unused, ms]) => `${unused}: ${fmt(median(ms), 0)} (${ms.length})`)
      .join(', ')} ms`,
  );
  line('  growth per unused code (Theil–Sen slope)', `${fmt(h.backupSlope, 2)} ms`);
  line(
    'second step, authenticator code (same action)',
    `p50 ${fmt(median(f.totpMs))} ms / max ${fmt(Math.max(...f.totpMs))} ms  (${f.totpMs.length} sequential, one per account)`,
  );
  line(
    'argon2id verify, beside each backup-code sample',
    `p50 ${fmt(h.backupVerifyP50)} ms / p95 ${fmt(percentile(f.verifyMs.backup, 95))} ms`,
  );
  line('ratio p50 second step (backup) / argon2id verify', `${fmt(h.backupP50 / h.backupVerifyP50, 2)}`);
  line('ratio p50 second step (backup) / sign-in', `${fmt(h.backupP50 / h.signInP50, 2)}`);

  say();
  printApi(f, line, say);

  say();
  const { reset } = f;
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

  say();
  for (const { label, kb } of f.rssKb) line(`${label} RSS at the end (VmRSS)`, `${fmt(kb / 1024)} MiB`);
  line(
    `  ${f.rssKb[0]?.label ?? 'server'} RSS before the API figures`,
    `${fmt(f.rssBeforeApiKb / 1024)} MiB (after the pages and the web's figures)`,
  );
  for (const { label, log } of f.logs) say(logSummary(label, log));
}

/** The JSON API's figures (bench/api.ts), each next to its baseline; no goals (issue 13 sets none). */
function printApi(
  f: Figures,
  line: (label: string, value: string) => void,
  say: (line?: string) => void,
): void {
  const { api } = f;
  const signInP50 = median(api.signInMs);
  const verifyP50 = median(api.verifyMs);
  const signInFloorP50 = median(api.signInFloorMs);
  line(
    'API sign-in (POST /api/v1/auth/login to tokens)',
    `p50 ${fmt(signInP50)} ms / p95 ${fmt(percentile(api.signInMs, 95))} ms  (${API_SIGN_INS} sequential, ` +
      `after ${API_SIGN_IN_WARMUP} warm-up; ${API_ACCOUNTS} accounts made with POST /api/v1/auth/register)`,
  );
  line(
    `argon2id verify (${ARGON2_LABEL}), beside each`,
    `p50 ${fmt(verifyP50)} ms / p95 ${fmt(percentile(api.verifyMs, 95))} ms  ` +
      '(in the bench process, before or after each API sign-in in turn)',
  );
  line('ratio p50 API sign-in / argon2id verify', `${fmt(signInP50 / verifyP50, 2)}`);
  line('API sign-in time outside argon2id (p50 difference)', `≈ ${fmt(signInP50 - verifyP50)} ms`);
  line(
    `route-handler floor (GET ${HEALTH_ROUTE})`,
    `p50 ${fmt(signInFloorP50)} ms / p95 ${fmt(percentile(api.signInFloorMs, 95))} ms  (one after each API sign-in)`,
  );
  line('API sign-in beyond argon2id and the floor', `≈ ${fmt(signInP50 - verifyP50 - signInFloorP50)} ms`);
  line(
    'API second step, authenticator code (mfa/verify)',
    `p50 ${fmt(median(api.totp.verifyMs))} ms / max ${fmt(Math.max(...api.totp.verifyMs))} ms  ` +
      `(${api.totp.verifyMs.length} sequential, one per account; its password step to the challenge ` +
      `p50 ${fmt(median(api.totp.loginMs))} ms)`,
  );

  say();
  const refreshP50 = median(api.refreshMs);
  const refreshFloorP50 = median(api.refreshFloorMs);
  line(
    'refresh (POST /api/v1/auth/token/refresh, new pair)',
    `p50 ${fmt(refreshP50)} ms / p95 ${fmt(percentile(api.refreshMs, 95))} ms  ` +
      `(${REFRESHES} sequential, each with the newest refresh token, after ${REFRESH_WARMUP} warm-up)`,
  );
  line(
    `route-handler floor (GET ${HEALTH_ROUTE}), beside each`,
    `p50 ${fmt(refreshFloorP50)} ms / p95 ${fmt(percentile(api.refreshFloorMs, 95))} ms  ` +
      '(before or after each refresh in turn)',
  );
  line('refresh beyond the floor (p50 difference)', `≈ ${fmt(refreshP50 - refreshFloorP50)} ms`);

  say();
  say(
    `  bearer check: ${CONCURRENCY} concurrent keep-alive clients, ${BEARER_ROUNDS} alternating rounds of ` +
      `${BEARER_ROUND_MS / 1000} s per route after ${BEARER_WARMUP_MS / 1000} s warm-up; medians of the rounds`,
  );
  printLoads(api.bearer, line);
  const [me, floor] = api.bearer;
  const rps = (rounds: Load[]) => median(rounds.map((r) => r.perSecond));
  const ratios = me.rounds.map((r, i) => r.perSecond / (floor.rounds[i]?.perSecond ?? Number.NaN));
  line(
    'ratio (/api/v1/me / floor)',
    `${fmt(median(ratios), 2)} median of the rounds' ratios (${ratios.map((r) => fmt(r, 2)).join(', ')})`,
  );
  line(
    'server time per bearer check',
    `≈ ${fmt(1000 / rps(me.rounds) - 1000 / rps(floor.rounds), 2)} ms (1/rate /me minus 1/rate floor, at saturation)`,
  );
}

/** One line per route measured under load: req/s (median of the rounds), each round, p50, size. */
function printLoads(
  routes: { label: string; rounds: Load[] }[],
  line: (label: string, value: string) => void,
): void {
  for (const route of routes) {
    line(
      route.label,
      `${fmt(median(route.rounds.map((r) => r.perSecond)))} req/s  (rounds: ${route.rounds.map((r) => fmt(r.perSecond, 0)).join(', ')}; ` +
        `latency p50 ${fmt(median(route.rounds.flatMap((r) => r.latencies)))} ms; ${route.rounds[0]?.bytes ?? 0} bytes)`,
    );
  }
}
