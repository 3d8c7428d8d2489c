import { randomBytes, randomUUID } from 'node:crypto';
import { type APIRequestContext, expect, type Locator, type Page } from '@playwright/test';
import { totpCode } from './totp';

/** Reusable steps for QA scripts: locators are the contract's accessible names only. */
export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID().slice(0, 12)}@example.test`;
}

/** Long, random, never on a common-password list. */
export function strongPassword(): string {
  return `Lk-${randomBytes(12).toString('base64url')}-passphrase`;
}

export async function register(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  // An argon2id hash, a mail and a session: on a loaded test machine this can take a while.
  await expect(page).toHaveURL(/\/dashboard$/, { timeout: 30_000 });
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
}

export async function fillSignIn(
  page: Page,
  email: string,
  password: string,
  remember = false,
): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (remember) await page.getByLabel('Remember me').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signIn(page: Page, email: string, password: string, remember = false): Promise<void> {
  await page.goto('/login');
  await fillSignIn(page, email, password, remember);
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function signOut(page: Page): Promise<void> {
  // The account navigation's button (the sessions list has per-session "Sign out" buttons too).
  await page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** A registered user, signed out again: the starting point of most sign-in tests. */
export async function createUser(page: Page, tag = 'user'): Promise<{ email: string; password: string }> {
  const email = uniqueEmail(tag);
  const password = strongPassword();
  await register(page, email, password);
  await signOut(page);
  return { email, password };
}

export type Enrolled = { secret: string; backupCodes: string[]; lastStep: number };

/** Turn on two-factor from /settings/security: scan (read the key), verify, keep the codes. */
export async function enrollTotp(page: Page, password: string): Promise<Enrolled> {
  await page.goto('/settings/security');
  await expect(page.getByText('Two-factor authentication is off')).toBeVisible();
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  // The password first: no secret is shown to a session alone.
  await page
    .getByRole('form', { name: /Confirm your password/ })
    .getByLabel('Password')
    .fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const { code, step } = await totpCode(secret);
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify and enable' }).click();
  const list = page.getByTestId('backup-codes');
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const backupCodes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
  await expect(page.getByText('Two-factor authentication is on')).toBeVisible();
  return { secret, backupCodes, lastStep: step };
}

/** Sign in when two-factor is on: password, then the second step with an authenticator code. */
export async function signInWithTotp(
  page: Page,
  email: string,
  password: string,
  secret: string,
  lastStep: number,
): Promise<number> {
  await page.goto('/login');
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/verify/);
  const { code, step } = await totpCode(secret, lastStep);
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return step;
}

/**
 * Poll /dev/outbox, as a person would refresh their inbox (the e2e server keeps mail there), for
 * the newest message to `to` (with a matching subject, when given) from which `read` gets a value.
 */
async function fromMail<T>(
  page: Page,
  to: string,
  subject: RegExp | undefined,
  read: (message: Locator) => Promise<T | null>,
): Promise<T> {
  let value: T | null = null;
  await expect(async () => {
    await page.goto('/dev/outbox');
    let message = page
      .getByTestId('outbox')
      .getByRole('listitem')
      .filter({ hasText: `To: ${to}` });
    if (subject) message = message.filter({ hasText: subject });
    value = await read(message.first());
    expect(value).toBeTruthy();
  }).toPass({ timeout: 15_000 });
  return value as T;
}

/** The newest link to `path` in mail to `to`. */
export function linkFromMail(page: Page, to: string, path: string): Promise<string> {
  return fromMail(page, to, undefined, (message) =>
    message.locator(`a[href*="${path}"]`).first().getAttribute('href', { timeout: 1_000 }),
  );
}

/** The text (subject, recipient, body) of the newest mail to `to` whose subject matches. */
export function mailTo(page: Page, to: string, subject: RegExp): Promise<string> {
  return fromMail(page, to, subject, (message) => message.textContent({ timeout: 1_000 }));
}

/**
 * The limiter counts in fixed 15-minute windows (a refusal lasts until the window passes), so
 * five failures that straddle a window's end are counted in two windows: start clear of one.
 */
export async function awayFromWindowEnd(): Promise<void> {
  const windowMs = 15 * 60_000;
  const untilEnd = windowMs - (Date.now() % windowMs);
  if (untilEnd < 90_000) await new Promise((r) => setTimeout(r, untilEnd + 1_000));
}

/** Tokens from /api/v1 (access token for `Authorization: Bearer …`, refresh token to rotate). */
export type ApiTokens = { accessToken: string; refreshToken: string; tokenType: 'Bearer'; expiresIn: number };

/**
 * An account made through the API, no form involved: for tests whose subject is not
 * registration. The same limits and password policy as the form.
 */
export async function apiRegister(
  request: APIRequestContext,
  tag = 'api',
): Promise<{ id: string; email: string; password: string }> {
  const email = uniqueEmail(tag);
  const password = strongPassword();
  const answer = await request.post('/api/v1/auth/register', { data: { email, password } });
  expect(answer.status(), await answer.text()).toBe(201);
  const { user } = await answer.json();
  return { id: user.id, email, password };
}

/**
 * Sign in through the API; with two-factor on, `secret` answers the second step with an
 * authenticator code (a step after `lastStep`, as codes work once). Returns the tokens and the
 * step it used.
 */
export async function apiSignIn(
  request: APIRequestContext,
  email: string,
  password: string,
  totp?: { secret: string; lastStep?: number },
): Promise<ApiTokens & { step?: number }> {
  const answer = await request.post('/api/v1/auth/login', { data: { email, password } });
  expect(answer.status(), await answer.text()).toBe(200);
  const body = await answer.json();
  if (!body.mfaRequired) return body;
  if (!totp) throw new Error(`${email} has two-factor on: pass its secret to apiSignIn`);
  const { code, step } = await totpCode(totp.secret, totp.lastStep);
  const verified = await request.post('/api/v1/auth/mfa/verify', {
    data: { challengeToken: body.challengeToken, code },
  });
  expect(verified.status(), await verified.text()).toBe(200);
  return { ...(await verified.json()), step };
}

export const bearer = (tokens: Pick<ApiTokens, 'accessToken'>) => ({
  Authorization: `Bearer ${tokens.accessToken}`,
});
