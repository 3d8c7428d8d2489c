// Accounts for the bench, made and used the way a person does over HTTP: the registration form,
// two-factor enrollment on /settings/security, and the two sign-in steps (/login, /login/verify).
import { randomBytes, randomInt } from 'node:crypto';
import { generate } from 'otplib';
import {
  type ActionResult,
  actionFormFields,
  CookieJar,
  callServerAction,
  expectSignedIn,
  formData,
  SESSION_COOKIE,
  submitAction,
} from './forms';
import { alerts, textOf } from './html';
import { linkInMail } from './outbox';
import { serverActionId } from './server';

export const CHALLENGE_COOKIE = 'latchkey.mfa';
export const SECURITY_PAGE = '/settings/security';
const SECURITY_ACTIONS = 'app/(app)/settings/security/actions.ts';
/** lib/action-state.ts: what a form's useActionState starts from. */
const INITIAL_STATE = { ok: false };
const TOTP_PERIOD_S = 30;

export type Account = { email: string; password: string };

export type MfaAccount = Account & {
  secret: string;
  /** Unused backup codes, as shown at enrollment (`XXXXX-XXXXX`). */
  backupCodes: string[];
  /** The last 30-second step whose authenticator code the app accepted for this account. */
  lastTotpStep: number;
};

/** The registration form, posted from the jar's browser with `account`'s email and password. */
export async function submitRegistration(
  baseUrl: string,
  account: Account,
  jar: CookieJar,
): Promise<ActionResult & { body: string }> {
  const fields = await actionFormFields(`${baseUrl}/register`, { jar });
  const { email, password } = account;
  return submitAction(
    `${baseUrl}/register`,
    formData(fields, { email, password, confirmPassword: password }),
    jar,
  );
}

/** A new account through the registration form; `jar` ends up holding its session cookie. */
export async function register(baseUrl: string, jar = new CookieJar()): Promise<Account> {
  const account = {
    email: `bench-${randomBytes(6).toString('hex')}@example.com`,
    password: `${randomBytes(18).toString('base64url')}-Lk7`,
  };
  expectSignedIn('register', await submitRegistration(baseUrl, account, jar), '/dashboard');
  return account;
}

export const timeStep = (epochSeconds: number) => Math.floor(epochSeconds / TOTP_PERIOD_S);

/** The authenticator code for a 30-second step, as an app with the key shows it. */
export function totpCode(secret: string, step: number): Promise<string> {
  return generate({ secret, epoch: step * TOTP_PERIOD_S });
}

/** /settings/security as the jar's browser sees it; fails unless it answers 200. */
export async function securityPage(baseUrl: string, jar: CookieJar): Promise<string> {
  const response = await fetch(`${baseUrl}${SECURITY_PAGE}`, { headers: jar.headers(), redirect: 'manual' });
  jar.update(response);
  const html = await response.text();
  if (response.status !== 200)
    throw new Error(`GET ${SECURITY_PAGE} answered ${response.status}, expected 200`);
  return html;
}

/** `text` in the page, across the `<!-- -->` React puts between adjacent text parts. */
function expectText(what: string, html: string, text: string): void {
  if (!html.replaceAll('<!-- -->', '').includes(text))
    throw new Error(`${what}: the page does not say "${text}"`);
}

/** What a settings action answered (lib/action-state.ts), as far as the bench reads it. */
export type SettingsState = {
  ok?: boolean;
  error?: string;
  fieldErrors?: Record<string, string>;
  enrollment?: { secret?: unknown };
  backupCodes?: unknown;
};

/**
 * An action of /settings/security (`startSetupAction`, `changePasswordAction`, …) called with
 * `fields` from the jar's browser, as the hydrated page calls it.
 */
export async function securityAction(
  baseUrl: string,
  jar: CookieJar,
  exportedName: string,
  fields: Record<string, string>,
): Promise<SettingsState> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const { result } = await callServerAction(
    `${baseUrl}${SECURITY_PAGE}`,
    serverActionId(SECURITY_ACTIONS, exportedName),
    [INITIAL_STATE, form],
    jar,
  );
  return result as SettingsState;
}

/**
 * A registered account with two-factor on, enrolled on /settings/security: "Set up authenticator
 * app" with the password, then the current code from the key, then "Verify and enable", which answers with the ten
 * backup codes. Both forms are bound to client functions (no `$ACTION_` inputs in the server
 * HTML, so they work only after hydration): driven as the hydrated page drives them. `jar` ends
 * up holding the session that turned two-factor on.
 */
export async function registerWithTwoFactor(baseUrl: string, jar = new CookieJar()): Promise<MfaAccount> {
  const account = await register(baseUrl, jar);
  const before = await securityPage(baseUrl, jar);
  expectText('security settings before enrollment', before, 'Two-factor authentication is off');
  expectText('security settings before enrollment', before, 'Set up authenticator app');

  // Set-up asks for the password before it shows a key.
  const setup = await securityAction(baseUrl, jar, 'startSetupAction', { password: account.password });
  const secret = setup.enrollment?.secret;
  if (typeof secret !== 'string' || !/^[A-Z2-7]{32}$/.test(secret)) {
    throw new Error(`set up authenticator app: no base32 key in the answer: ${JSON.stringify(setup)}`);
  }

  const step = timeStep(Math.floor(Date.now() / 1000));
  const enable = await securityAction(baseUrl, jar, 'enableAction', { code: await totpCode(secret, step) });
  const codes = backupCodesIn(enable);
  if (!codes) throw new Error(`verify and enable: expected 10 backup codes, got ${JSON.stringify(enable)}`);
  // Enabling signs out every other session and rotates this one: the jar has the new cookie.
  const after = await securityPage(baseUrl, jar);
  expectText('security settings after enrollment', after, 'Two-factor authentication is on');
  expectText('security settings after enrollment', after, '10 backup codes left');
  return { ...account, secret, backupCodes: [...codes] as string[], lastTotpStep: step };
}

/** The ten backup codes an answer shows (enabling, regenerating), or null. */
export function backupCodesIn(state: SettingsState): string[] | null {
  const codes = state.backupCodes;
  return Array.isArray(codes) &&
    codes.length === 10 &&
    codes.every((c) => typeof c === 'string' && /^[0-9A-Z]{5}-[0-9A-Z]{5}$/.test(c))
    ? (codes as string[])
    : null;
}

/**
 * The password form of /login, posted from the jar's browser (its cookies, its client address);
 * `fields` are the form's hidden inputs (read once with actionFormFields, as a script would).
 */
export async function passwordStep(
  baseUrl: string,
  account: Account,
  jar: CookieJar,
  fields?: [string, string][],
): Promise<ActionResult & { body: string }> {
  const hidden = fields ?? (await actionFormFields(`${baseUrl}/login`, { jar }));
  return submitAction(
    `${baseUrl}/login`,
    formData(hidden, { email: account.email, password: account.password, callbackUrl: '/dashboard' }),
    jar,
  );
}

/** How /login answered a password step, as the person would read it. */
export type SignInOutcome = 'signed in' | 'second step' | 'wrong password' | 'too many attempts' | 'other';

export function signInOutcome(result: ActionResult & { body: string }): SignInOutcome {
  if (result.status === 303 && result.location === '/dashboard' && result.sessionCookie) return 'signed in';
  if (result.status === 303 && result.location?.startsWith('/login/verify')) return 'second step';
  const said = alerts(result.body).join(' ');
  if (result.status === 200 && said.includes('Too many attempts')) return 'too many attempts';
  if (result.status === 200 && said.includes('Invalid email or password')) return 'wrong password';
  return 'other';
}

export type SecondStep = {
  /** The server side of the second step: POST of the code to the 303 to /dashboard. */
  ms: number;
  result: ActionResult & { body: string };
};

/**
 * Both sign-in steps in a new browser (an empty jar): the password form, which must answer with
 * the challenge cookie and /login/verify; the verify page (`?method=backup` for the backup-code
 * form); then the timed POST of `code`, which must sign in: 303 to /dashboard, a session cookie
 * and no challenge cookie left. Finally /dashboard with that cookie must show the account.
 */
async function signInWithSecondStep(
  baseUrl: string,
  account: Account,
  method: 'totp' | 'backup',
  code: () => Promise<string> | string,
  from?: string,
): Promise<SecondStep> {
  const jar = new CookieJar(from);
  const password = await passwordStep(baseUrl, account, jar);
  const verifyPath = `/login/verify?${new URLSearchParams({ callbackUrl: '/dashboard' })}`;
  if (
    password.status !== 303 ||
    password.location !== verifyPath ||
    !jar.get(CHALLENGE_COOKIE) ||
    jar.get(SESSION_COOKIE)
  ) {
    throw new Error(
      `password step of a two-factor account: expected 303 to ${verifyPath} with a ${CHALLENGE_COOKIE} cookie ` +
        `and no session, got ${password.status}${password.location ? ` to ${password.location}` : ''}; ` +
        `cookies: ${jar.header() || 'none'}`,
    );
  }
  const pageUrl = `${baseUrl}${verifyPath}${method === 'backup' ? '&method=backup' : ''}`;
  const field = method === 'backup' ? 'backupCode' : 'code';
  const fields = await actionFormFields(pageUrl, { jar, input: field });
  const data = formData(fields, { [field]: await code() });
  const t0 = performance.now();
  const result = await submitAction(pageUrl, data, jar);
  const ms = performance.now() - t0;
  expectSignedIn(
    `second step (${method === 'backup' ? 'backup code' : 'authenticator code'})`,
    result,
    '/dashboard',
  );
  if (jar.get(CHALLENGE_COOKIE))
    throw new Error(`second step: the ${CHALLENGE_COOKIE} cookie was not cleared`);
  const dashboard = await fetch(`${baseUrl}/dashboard`, { headers: jar.headers(), redirect: 'manual' });
  const html = await dashboard.text();
  if (dashboard.status !== 200 || !html.includes(account.email)) {
    throw new Error(
      `after the second step, GET /dashboard answered ${dashboard.status} without the account's email`,
    );
  }
  return { ms, result };
}

/**
 * Sign in with one of the account's unused backup codes, taken at random as a person takes one off
 * the list (spent: removed from the account), from a new browser at client address `from`
 * (X-Forwarded-For) when given. At random, not in the order shown: a server that checks the
 * unused codes one by one would otherwise always match the first it tries.
 */
export function signInWithBackupCode(
  baseUrl: string,
  account: MfaAccount,
  from?: string,
): Promise<SecondStep> {
  const [code] = account.backupCodes.splice(randomInt(Math.max(1, account.backupCodes.length)), 1);
  if (!code) throw new Error(`${account.email} has no backup code left`);
  return signInWithSecondStep(baseUrl, account, 'backup', () => code, from);
}

/**
 * Sign in with an authenticator code. A code works once per 30-second step, so this uses the
 * current step, or the next one (which the app accepts, ±1 step) when the current one is spent;
 * it waits only when both are.
 */
export function signInWithTotp(baseUrl: string, account: MfaAccount, from?: string): Promise<SecondStep> {
  return signInWithSecondStep(baseUrl, account, 'totp', () => nextTotpCode(account), from);
}

/**
 * An authenticator code the app has not accepted yet for the account: the current step's, or
 * the next one's (accepted, ±1 step) when the current one is spent; waits only when both are.
 */
export async function nextTotpCode(account: MfaAccount): Promise<string> {
  let now = Date.now() / 1000;
  const step = Math.max(timeStep(now), account.lastTotpStep + 1);
  while (step > timeStep(now) + 1) {
    await new Promise((r) => setTimeout(r, ((timeStep(now) + 1) * TOTP_PERIOD_S - now) * 1000 + 50));
    now = Date.now() / 1000;
  }
  account.lastTotpStep = step;
  return totpCode(account.secret, step);
}

/**
 * Whether the jar's session still works: GET /dashboard answers 200 with the page; `answer`
 * says what came back (`200`, or the status and where it sends the browser).
 */
export async function dashboardAnswer(
  baseUrl: string,
  jar: CookieJar,
): Promise<{ alive: boolean; answer: string }> {
  const response = await fetch(`${baseUrl}/dashboard`, { headers: jar.headers(), redirect: 'manual' });
  const html = await response.text();
  const location = response.headers.get('location');
  return {
    alive: response.status === 200 && html.includes('Signed in as'),
    answer: `${response.status}${location ? ` → ${location.replace(baseUrl, '')}` : ''}`,
  };
}

/**
 * `Sign out` on the dashboard, posted as its form posts without script (the action's `$ACTION_ID_`
 * input) from the jar's browser. Fails unless the app signed out: 303 to /login, cookie cleared.
 */
export async function signOut(baseUrl: string, jar: CookieJar): Promise<void> {
  const id = serverActionId('app/(app)/actions.ts', 'signOutAction');
  const result = await submitAction(`${baseUrl}/dashboard`, formData([[`$ACTION_ID_${id}`, '']], {}), jar);
  if (result.status !== 303 || result.location !== '/login' || jar.get(SESSION_COOKIE)) {
    throw new Error(
      `sign out: expected 303 to /login and the session cookie cleared, got ${result.status}` +
        `${result.location ? ` to ${result.location}` : ''}${jar.get(SESSION_COOKIE) ? ', cookie kept' : ''}`,
    );
  }
}

/**
 * Verify the account's address as its owner does: the link of the verification mail in
 * /dev/outbox, then the page's `Verify email address` button. Fails unless the page says so.
 */
export async function verifyEmail(baseUrl: string, account: Account): Promise<void> {
  const url = `${baseUrl}${await linkInMail(baseUrl, account.email, '/verify-email/')}`;
  const result = await submitAction(url, formData(await actionFormFields(url), {}));
  if (result.status !== 200 || !textOf(result.body).includes('Your email address is verified')) {
    throw new Error(
      `verify email: ${result.status}; the page says: ${alerts(result.body).join(' | ') || 'nothing'}`,
    );
  }
}
