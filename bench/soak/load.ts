// Virtual users for `npm run soak`: each one a person with a browser of their own (a cookie jar)
// at a client address of their own, signing in with the password (and the authenticator code
// when the account has two-factor on), looking at /dashboard and /settings/security, signing
// out, pausing, again, until the load is stopped. Every request is recorded with when it started
// and ended and what came back (a status, or no answer: timeout, refused, dropped).
import {
  type Account,
  type MfaAccount,
  nextTotpCode,
  SECURITY_PAGE,
  type SignInOutcome,
  signInOutcome,
  timeStep,
} from '../accounts';
import {
  type ActionResult,
  type CookieJar,
  formData,
  formFields,
  SESSION_COOKIE,
  sessionCookieIn,
} from '../forms';
import { alerts } from '../html';

/** A request waits this long at most before the virtual user gives up on it (counted as a timeout). */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Password verifications the app allows per account in 15 minutes (lib/rate-limit LIMITS). */
const VERIFY_BUDGET = 30;
/** A virtual user stops signing in this far below it, so the soak never measures that limit. */
const VERIFY_MARGIN = 3;
const SERVER_ERROR_TEXT = 'Something went wrong';

export type Answer = number | 'timeout' | 'refused' | 'dropped';

export type RequestRecord = {
  route: string;
  server: string;
  start: number;
  end: number;
  answer: Answer;
  /** A 503 (or 429) that said when to come back. */
  retryAfter: boolean;
  /** A 200 that is the app's own error message ("Something went wrong on our side"). */
  appError: boolean;
  /** For an answer that never came: the error's code. */
  error?: string;
};

export type SignInRecord = {
  user: number;
  start: number;
  end: number;
  mfa: boolean;
  /** `signed in`, `wrong password`, `too many attempts`, or what went wrong. */
  outcome: string;
};

export type SignOutRecord = { user: number; start: number; end: number; ok: boolean };

export type LoadUser = {
  index: number;
  account: Account | MfaAccount;
  mfa: boolean;
  jar: CookieJar;
  /** Password verifications this run made for the account (right or wrong). */
  verifications: number;
};

export type Reply = ActionResult & { body: string; retryAfter: boolean };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a fetch that never answered failed with: a timeout, a refused connection, or a drop. */
function noAnswer(error: unknown): { answer: Answer; code: string } {
  const e = error as { name?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { answer: 'timeout', code: 'timeout' };
  const code = e?.cause?.code ?? e?.cause?.message ?? String(error);
  return { answer: code === 'ECONNREFUSED' ? 'refused' : 'dropped', code };
}

/**
 * One request from the jar's browser, recorded in `log`; null when no answer came. The body is
 * read in full (within the same time limit), redirects are not followed.
 */
export async function send(
  log: RequestRecord[],
  route: string,
  url: string,
  jar: CookieJar,
  init: { method?: string; body?: FormData } = {},
): Promise<Reply | null> {
  const start = Date.now();
  const server = new URL(url).origin;
  try {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      body: init.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: { ...(init.body ? { origin: server } : {}), ...jar.headers() },
    });
    jar.update(response);
    const body = await response.text();
    const retryAfter = response.headers.has('retry-after');
    log.push({
      route,
      server,
      start,
      end: Date.now(),
      answer: response.status,
      retryAfter,
      appError: response.status === 200 && alerts(body).some((a) => a.includes(SERVER_ERROR_TEXT)),
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      sessionCookie: sessionCookieIn(response),
      body,
      retryAfter,
    };
  } catch (error) {
    const { answer, code } = noAnswer(error);
    log.push({
      route,
      server,
      start,
      end: Date.now(),
      answer,
      retryAfter: false,
      appError: false,
      error: code,
    });
    return null;
  }
}

/** How a reply to a sign-in step reads, with the alert's words when it is neither. */
export function describe(reply: Reply | null, log: RequestRecord[]): string {
  if (!reply) return `no answer (${log.at(-1)?.error ?? '?'})`;
  const outcome: SignInOutcome = signInOutcome(reply);
  if (outcome !== 'other') return outcome;
  const said = alerts(reply.body).join(' ').slice(0, 100);
  return `${reply.status}${reply.location ? ` → ${reply.location}` : ''}${said ? `: ${said}` : ''}`;
}

/**
 * Both sign-in steps from the jar's browser, as a person does them: /login, the password form,
 * and for an account with two-factor /login/verify and the authenticator code. Says how it ended.
 */
export async function signIn(
  log: RequestRecord[],
  baseUrl: string,
  user: Pick<LoadUser, 'account' | 'mfa' | 'jar'>,
): Promise<string> {
  const { account, jar } = user;
  jar.delete(SESSION_COOKIE);
  const page = await send(log, 'GET /login', `${baseUrl}/login`, jar);
  if (!page) return describe(page, log);
  if (page.status !== 200) return `GET /login ${page.status}`;
  let fields: [string, string][];
  try {
    fields = formFields(page.body, 'password');
  } catch {
    return 'GET /login: no sign-in form';
  }
  const password = await send(log, 'POST /login', `${baseUrl}/login`, jar, {
    method: 'POST',
    body: formData(fields, { email: account.email, password: account.password, callbackUrl: '/dashboard' }),
  });
  const said = describe(password, log);
  if (said !== 'second step') return said;
  const verifyUrl = `${baseUrl}${password?.location ?? ''}`;
  const verify = await send(log, 'GET /login/verify', verifyUrl, jar);
  if (!verify) return describe(verify, log);
  if (verify.status !== 200) return `GET /login/verify ${verify.status}`;
  let codeFields: [string, string][];
  try {
    codeFields = formFields(verify.body, 'code');
  } catch {
    return 'GET /login/verify: no code form';
  }
  const code = await nextTotpCode(account as MfaAccount);
  const second = await send(log, 'POST /login/verify', verifyUrl, jar, {
    method: 'POST',
    body: formData(codeFields, { code }),
  });
  return `${describe(second, log)}${second && signInOutcome(second) !== 'signed in' ? ' (second step)' : ''}`;
}

/** A page a signed-in person looks at: 200 and their address on it, or false. */
async function view(log: RequestRecord[], baseUrl: string, path: string, user: LoadUser): Promise<boolean> {
  const reply = await send(log, `GET ${path}`, `${baseUrl}${path}`, user.jar);
  return reply?.status === 200 && reply.body.includes(user.account.email);
}

/** `Sign out` on the dashboard, posted as the page's form does without script: 303 to /login. */
export async function signOut(
  log: RequestRecord[],
  baseUrl: string,
  jar: CookieJar,
  signOutActionId: string,
): Promise<boolean> {
  const reply = await send(log, 'POST sign out', `${baseUrl}/dashboard`, jar, {
    method: 'POST',
    body: formData([[`$ACTION_ID_${signOutActionId}`, '']], {}),
  });
  return reply?.status === 303 && reply.location === '/login' && !jar.get(SESSION_COOKIE);
}

/** Whether an authenticator code can be had now without waiting for the next 30-second step. */
function codeReady(account: MfaAccount): boolean {
  const now = timeStep(Date.now() / 1000);
  return Math.max(now, account.lastTotpStep + 1) <= now + 1;
}

export class Load {
  readonly requests: RequestRecord[] = [];
  readonly signIns: SignInRecord[] = [];
  readonly signOuts: SignOutRecord[] = [];
  /** Users that stopped signing in to stay under the per-account verification budget. */
  readonly resting = new Set<number>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly users: LoadUser[],
    private readonly signOutActionId: string,
  ) {}

  /** Every user starts its loop against `baseUrl` (within the first second, not all at once). */
  start(baseUrl: string): void {
    if (this.running) throw new Error('the load is already running');
    this.running = true;
    this.loops = this.users.map((user) => this.loop(user, baseUrl));
  }

  /** Stop starting anything new and wait for what is in flight (at most one request timeout). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async pause(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.running && Date.now() < until) await sleep(Math.min(200, until - Date.now()));
  }

  private async loop(user: LoadUser, baseUrl: string): Promise<void> {
    await sleep(Math.random() * 1000);
    while (this.running) {
      if (user.verifications >= VERIFY_BUDGET - VERIFY_MARGIN) {
        // No sign-in left in the budget: a person kept signed in goes on using the app (so the
        // load does not fade away in later phases); one signed out rests.
        this.resting.add(user.index);
        if (user.jar.get(SESSION_COOKIE)) {
          await view(this.requests, baseUrl, '/dashboard', user);
          await this.pause(100 + Math.random() * 300);
          await view(this.requests, baseUrl, SECURITY_PAGE, user);
        }
        await this.pause(500 + Math.random() * 1000);
        continue;
      }
      if (user.mfa && !codeReady(user.account as MfaAccount)) {
        // A person with an authenticator signs in at most once or twice per 30-second step.
        await this.pause(1000);
        continue;
      }
      user.verifications++;
      const start = Date.now();
      const outcome = await signIn(this.requests, baseUrl, user);
      this.signIns.push({ user: user.index, start, end: Date.now(), mfa: user.mfa, outcome });
      if (outcome === 'signed in') {
        // Signed in, a person looks around for a while: one to three rounds of their two pages.
        const rounds = 1 + Math.floor(Math.random() * 3);
        for (let round = 0; round < rounds && this.running; round++) {
          await this.pause(100 + Math.random() * 300);
          await view(this.requests, baseUrl, '/dashboard', user);
          await this.pause(100 + Math.random() * 300);
          await view(this.requests, baseUrl, SECURITY_PAGE, user);
        }
        await this.pause(100 + Math.random() * 300);
        // The budget's last sign-in: stay signed in and keep browsing (above).
        if (user.verifications >= VERIFY_BUDGET - VERIFY_MARGIN) continue;
        const signOutStart = Date.now();
        const ok = await signOut(this.requests, baseUrl, user.jar, this.signOutActionId);
        this.signOuts.push({ user: user.index, start: signOutStart, end: Date.now(), ok });
      }
      await this.pause(500 + Math.random() * 1000);
    }
  }
}

/** The value at fraction `p` (0–1) of the sorted values, nearest rank; NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}

/** `n ×count` per answer, most frequent first: `200 ×812, 303 ×240, timeout ×3`. */
export function byAnswer(records: RequestRecord[]): string {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(String(r.answer), (counts.get(String(r.answer)) ?? 0) + 1);
  return [...counts]
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
}

/** Requests, answers, latency percentiles and the worst wait, on one or two lines. */
export function requestFigures(records: RequestRecord[]): {
  text: string;
  max: number;
  p95: number;
  errors500: number;
} {
  const ms = records.map((r) => r.end - r.start).sort((a, b) => a - b);
  const errors500 = records.filter((r) => r.answer === 500).length;
  const appErrors = records.filter((r) => r.appError).length;
  const withRetry = records.filter((r) => r.answer === 503 && r.retryAfter).length;
  const max = ms.at(-1) ?? Number.NaN;
  const p95 = percentile(ms, 0.95);
  const f = (n: number) => (Number.isNaN(n) ? '-' : `${Math.round(n)}`);
  return {
    text:
      `${records.length} requests; answers: ${byAnswer(records) || 'none'}; ` +
      `503 with Retry-After ×${withRetry}; 200 with the app's error message ×${appErrors}\n` +
      `    latency ms (answered or not): p50 ${f(percentile(ms, 0.5))}, p95 ${f(p95)}, ` +
      `p99 ${f(percentile(ms, 0.99))}, max ${f(max)}; over 5 s: ${ms.filter((m) => m > 5000).length}`,
    max,
    p95,
    errors500,
  };
}

/** One route's figures on one line: count, answers, p50 / p95 / max. */
export function routeLine(route: string, records: RequestRecord[]): string {
  const ms = records.map((r) => r.end - r.start).sort((a, b) => a - b);
  const f = (n: number) => `${Math.round(n)}`;
  return (
    `${route}: ${records.length} (${byAnswer(records)}); ms p50 ${f(percentile(ms, 0.5))}, ` +
    `p95 ${f(percentile(ms, 0.95))}, p99 ${f(percentile(ms, 0.99))}, max ${f(ms.at(-1) ?? Number.NaN)}`
  );
}

/** `a ×3, b ×1`, most frequent first. */
export function tallyOf(items: string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts]
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
}
