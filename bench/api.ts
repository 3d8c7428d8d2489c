// The JSON API for programs (/api/v1) in `npm run bench` (issue 13): sign-in and the second step
// with an authenticator code, each next to its baseline from the same minutes (argon2id in this
// process; the cheapest route handler, GET /api/health), token refresh next to that floor, and
// the bearer check (GET /api/v1/me) against the floor under load. Every answer is checked (status
// and body shape); anything else throws, and the configuration has no figures.
import { randomBytes } from 'node:crypto';
import { type MfaAccount, nextTotpCode } from './accounts';
import type { Argon2Beside } from './argon2';
import { type Load, load, type Page } from './load';

export const API_SIGN_IN_WARMUP = 3;
export const API_SIGN_INS = 40;
/**
 * API sign-ins rotate over this many accounts of their own (registered with POST
 * /api/v1/auth/register): the app verifies at most 30 passwords per account in 15 minutes and
 * keeps 20 live sessions per account (the oldest ends), so each takes about 11 and the session
 * the refreshes continue stays live.
 */
export const API_ACCOUNTS = 4;
export const REFRESH_WARMUP = 3;
export const REFRESHES = 40;
/** The bearer check: rounds of GET /api/v1/me and GET /api/health, alternating which goes first. */
export const BEARER_WARMUP_MS = 1000;
export const BEARER_ROUNDS = 4;
export const BEARER_ROUND_MS = 1000;
/** The cheapest route handler (a constant JSON answer, no middleware): the floor of any API call. */
export const HEALTH_ROUTE = '/api/health';

export type ApiFigures = {
  /** POST /api/v1/auth/login of accounts without two-factor, to 200 and tokens. */
  signInMs: number[];
  /** argon2id verifications in the bench process, one beside each API sign-in. */
  verifyMs: number[];
  /** GET /api/health right after each API sign-in. */
  signInFloorMs: number[];
  /** Accounts with two-factor on: the password step (to the challenge), then mfa/verify (to tokens). */
  totp: { loginMs: number[]; verifyMs: number[] };
  refreshMs: number[];
  /** GET /api/health beside each refresh (before or after it in turn). */
  refreshFloorMs: number[];
  /** GET /api/v1/me with the bearer, then the floor, each with its rounds. */
  bearer: [{ label: string; rounds: Load[] }, { label: string; rounds: Load[] }];
};

type Answer = { ms: number; status: number; text: string };

/** One request from the client address `from`, timed until its body is read. */
async function call(
  baseUrl: string,
  from: string,
  path: string,
  init: { method?: 'POST'; json?: unknown; bearer?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'x-forwarded-for': from };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  const t0 = performance.now();
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    redirect: 'manual',
  });
  const text = await response.text();
  return { ms: performance.now() - t0, status: response.status, text };
}

function jsonOf(what: string, answer: Answer, status: number): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  if (answer.status !== status || typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Error(
      `${what}: expected ${status} and a JSON object, got ${answer.status}: ${answer.text.slice(0, 300)}`,
    );
  }
  return body as Record<string, unknown>;
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

type Tokens = { accessToken: string; refreshToken: string };

/** A token pair for `email` (lib/validation/api.ts tokensSchema), or the answer in the error. */
function expectTokens(what: string, answer: Answer, email: string): Tokens {
  const body = jsonOf(what, answer, 200);
  const user = body.user as { id?: unknown; email?: unknown } | undefined;
  if (
    typeof body.accessToken !== 'string' ||
    !JWT.test(body.accessToken) ||
    typeof body.refreshToken !== 'string' ||
    !REFRESH_TOKEN.test(body.refreshToken) ||
    body.tokenType !== 'Bearer' ||
    typeof body.expiresIn !== 'number' ||
    body.expiresIn <= 0 ||
    typeof user?.id !== 'string' ||
    user.id === '' ||
    user.email !== email
  ) {
    throw new Error(`${what}: expected a token pair for ${email}, got ${answer.text.slice(0, 300)}`);
  }
  return { accessToken: body.accessToken, refreshToken: body.refreshToken };
}

const health = async (baseUrl: string, from: string): Promise<number> => {
  const answer = await call(baseUrl, from, HEALTH_ROUTE);
  if (jsonOf(`GET ${HEALTH_ROUTE}`, answer, 200).status !== 'ok')
    throw new Error(`GET ${HEALTH_ROUTE}: expected {"status":"ok"}, got ${answer.text.slice(0, 200)}`);
  return answer.ms;
};

/** `a` and `b` timed back to back, in turns first and second (drift weighs on both alike). */
async function beside(
  i: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<[number, number]> {
  if (i % 2 === 0) {
    const first = await a();
    return [first, await b()];
  }
  const second = await b();
  return [await a(), second];
}

/**
 * Everything of the API, sequential unless it says so, from client address `from` (one of the
 * run's, used by nothing else). `mfaAccounts`: accounts with two-factor on, one authenticator-code
 * sample each.
 */
export async function measureApi(
  baseUrl: string,
  from: string,
  argon2: Argon2Beside,
  mfaAccounts: MfaAccount[],
): Promise<ApiFigures> {
  const accounts: { email: string; password: string }[] = [];
  for (let i = 0; i < API_ACCOUNTS; i++) {
    const account = {
      email: `bench-api-${randomBytes(6).toString('hex')}@example.com`,
      password: `${randomBytes(18).toString('base64url')}-Lk7`,
    };
    const answer = await call(baseUrl, from, '/api/v1/auth/register', { method: 'POST', json: account });
    const user = jsonOf('POST /api/v1/auth/register', answer, 201).user as { email?: unknown } | undefined;
    if (user?.email !== account.email)
      throw new Error(`POST /api/v1/auth/register: expected the new user, got ${answer.text.slice(0, 300)}`);
    accounts.push(account);
  }

  // Sign-in: each from a program that holds nothing yet; the last one's tokens go on below.
  let next = 0;
  let tokens: Tokens | undefined;
  let signedInAs = '';
  const signIn = async (): Promise<number> => {
    const account = accounts[next++ % API_ACCOUNTS] as (typeof accounts)[number];
    const answer = await call(baseUrl, from, '/api/v1/auth/login', { method: 'POST', json: account });
    tokens = expectTokens('POST /api/v1/auth/login', answer, account.email);
    signedInAs = account.email;
    return answer.ms;
  };
  for (let i = 0; i < API_SIGN_IN_WARMUP; i++) {
    await signIn();
    await health(baseUrl, from);
  }
  const signInMs: number[] = [];
  const verifyMs: number[] = [];
  const signInFloorMs: number[] = [];
  for (let i = 0; i < API_SIGN_INS; i++) {
    const pair = await argon2.beside(i, signIn);
    signInMs.push(pair.ms);
    verifyMs.push(pair.verifyMs);
    signInFloorMs.push(await health(baseUrl, from));
  }

  // Refresh: always the newest refresh token (a used one would end the session).
  const refresh = async (): Promise<number> => {
    if (!tokens) throw new Error('no API session to refresh');
    const used = tokens.refreshToken;
    const answer = await call(baseUrl, from, '/api/v1/auth/token/refresh', {
      method: 'POST',
      json: { refreshToken: used },
    });
    tokens = expectTokens('POST /api/v1/auth/token/refresh', answer, signedInAs);
    if (tokens.refreshToken === used)
      throw new Error('POST /api/v1/auth/token/refresh: answered the refresh token it was given');
    return answer.ms;
  };
  for (let i = 0; i < REFRESH_WARMUP; i++) await refresh();
  const refreshMs: number[] = [];
  const refreshFloorMs: number[] = [];
  for (let i = 0; i < REFRESHES; i++) {
    const [ms, floorMs] = await beside(i, refresh, () => health(baseUrl, from));
    refreshMs.push(ms);
    refreshFloorMs.push(floorMs);
  }

  // The bearer check on every call: the newest access token, its session live.
  const accessToken = (tokens as Tokens | undefined)?.accessToken ?? '';
  const pages: [Page, Page] = [
    {
      label: 'GET /api/v1/me (bearer: signature + session)',
      path: '/api/v1/me',
      headers: { authorization: `Bearer ${accessToken}`, 'x-forwarded-for': from },
      marker: signedInAs,
      shape: (body) => {
        const me = body as
          | { id?: unknown; email?: unknown; mfaEnabled?: unknown; roles?: unknown }
          | undefined;
        return (
          typeof me?.id === 'string' &&
          me.email === signedInAs &&
          me.mfaEnabled === false &&
          Array.isArray(me.roles)
        );
      },
    },
    {
      label: `GET ${HEALTH_ROUTE} (route-handler floor)`,
      path: HEALTH_ROUTE,
      headers: { 'x-forwarded-for': from },
      marker: '"status":"ok"',
      shape: (body) => (body as { status?: unknown } | undefined)?.status === 'ok',
    },
  ];
  for (const page of pages) await load(baseUrl, page, BEARER_WARMUP_MS);
  const rounds: [Load[], Load[]] = [[], []];
  for (let round = 0; round < BEARER_ROUNDS; round++) {
    for (const i of round % 2 === 0 ? [0, 1] : [1, 0])
      rounds[i as 0 | 1].push(await load(baseUrl, pages[i as 0 | 1], BEARER_ROUND_MS));
  }

  // The second step with an authenticator code: password step (timed apart), then the code.
  const totp = { loginMs: [] as number[], verifyMs: [] as number[] };
  for (const account of mfaAccounts) {
    const { email, password } = account;
    const login = await call(baseUrl, from, '/api/v1/auth/login', {
      method: 'POST',
      json: { email, password },
    });
    const challenge = jsonOf('POST /api/v1/auth/login (two-factor on)', login, 200);
    if (
      challenge.mfaRequired !== true ||
      typeof challenge.challengeToken !== 'string' ||
      challenge.challengeToken === '' ||
      'accessToken' in challenge
    ) {
      throw new Error(
        `POST /api/v1/auth/login (two-factor on): expected {mfaRequired: true, challengeToken}, got ${login.text.slice(0, 300)}`,
      );
    }
    const code = await nextTotpCode(account);
    const verify = await call(baseUrl, from, '/api/v1/auth/mfa/verify', {
      method: 'POST',
      json: { challengeToken: challenge.challengeToken, code },
    });
    expectTokens('POST /api/v1/auth/mfa/verify (authenticator code)', verify, email);
    totp.loginMs.push(login.ms);
    totp.verifyMs.push(verify.ms);
  }

  return {
    signInMs,
    verifyMs,
    signInFloorMs,
    totp,
    refreshMs,
    refreshFloorMs,
    bearer: [
      { label: pages[0].label, rounds: rounds[0] },
      { label: pages[1].label, rounds: rounds[1] },
    ],
  };
}
