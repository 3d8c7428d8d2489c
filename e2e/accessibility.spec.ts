import { expect, type Page, test } from '@playwright/test';
import { axeFindings, expectAccessibleInEveryView as check } from './axe';
import {
  apiRegister,
  fillSignIn,
  linkFromMail,
  register,
  signIn,
  signOut,
  strongPassword,
  uniqueEmail,
} from './fixtures';
import { totpCode } from './totp';

/**
 * axe on every page and state the other specs visit, at 1280×800 and 390×844, light and dark
 * (issue 14). Failures are soft: one run lists every state that fails, each with its rule ids.
 */
test.describe.configure({ timeout: 240_000 });

const formAlert = (page: Page) => page.getByRole('main').getByRole('alert');

test('the harness fails on serious findings and only notes the rest', async ({ page }) => {
  await page.setContent(`<!doctype html><html lang="en"><title>t</title><body><main>
    <h1>Title</h1><h4>Skipped levels</h4>
    <p style="color:#aaa;background:#fff">Too faint to read</p>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  </main></body></html>`);
  const { blocking, lesser } = await axeFindings(page);
  expect(blocking.map((line) => line.split(' ')[0])).toEqual(
    expect.arrayContaining(['color-contrast', 'image-alt']),
  );
  expect(blocking.join('\n')).toContain('[serious]');
  expect(lesser.map((line) => line.split(' ')[0])).toContain('heading-order');
});

test.describe('every page and state the e2e suite visits', () => {
  test.skip(Boolean(process.env.BASE_URL), 'reads mail from the local outbox');

  test('signed-out pages and their states', async ({ page, request }) => {
    await page.goto('/');
    await check(page, 'landing');

    await page.goto('/register');
    await check(page, 'register, empty');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm password').fill('different');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByText('The passwords do not match')).toBeVisible();
    await check(page, 'register, with errors');

    await page.goto('/login');
    await check(page, 'login, empty');
    await fillSignIn(page, uniqueEmail('a11y-nobody'), 'not-the-right-password');
    await expect(formAlert(page)).toHaveText('Invalid email or password');
    await check(page, 'login, bad credentials');

    await page.goto('/forgot-password');
    await check(page, 'forgot-password, before');
    const { email, password } = await apiRegister(request, 'a11y-reset');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect(page.getByRole('status')).toContainText('we have sent it a link');
    await check(page, 'forgot-password, after');

    const link = await linkFromMail(page, email, '/reset-password/');
    await check(page, 'dev/outbox');
    await page.goto(link);
    await expect(page.getByLabel('New password')).toBeVisible();
    await check(page, 'reset-password, link');
    await page.goto('/reset-password/not-a-live-token-not-a-live-token-not-a-live');
    await expect(formAlert(page)).toContainText('invalid, already used, or expired');
    await check(page, 'reset-password, dead link');

    // A session cookie kept past sign-out: the next page load ends up on the session-ended notice.
    await signIn(page, email, password);
    const kept = await page.context().cookies();
    await signOut(page);
    await page.context().addCookies(kept);
    await page.goto('/dashboard');
    await expect(page.getByText('Your session has ended')).toBeVisible();
    await check(page, 'session ended (login notice)');

    const missing = await page.goto('/no-such-page');
    expect(missing?.status()).toBe(404);
    await check(page, '404');
  });

  test('signed-in pages, two-factor set-up and the second step', async ({ page }) => {
    const email = uniqueEmail('a11y-mfa');
    const password = strongPassword();
    await register(page, email, password);
    await check(page, 'dashboard (email not verified)');
    await page.goto(await linkFromMail(page, email, '/verify-email/'));
    await expect(page.getByRole('button', { name: 'Verify email address' })).toBeVisible();
    await check(page, 'verify-email, link');

    await page.goto('/settings/security');
    await expect(page.getByText('Two-factor authentication is off')).toBeVisible();
    await check(page, 'security, two-factor off');

    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const stepUp = page.getByRole('form', { name: /Confirm your password/ });
    await expect(stepUp).toBeVisible();
    await check(page, 'security, set-up asks for the password');

    await stepUp.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
    await check(page, 'security, QR code shown');

    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    const { code } = await totpCode(secret);
    await page.getByLabel('Authentication code').fill(code);
    await page.getByRole('button', { name: 'Verify and enable' }).click();
    await expect(page.getByTestId('backup-codes').getByRole('listitem')).toHaveCount(10);
    await check(page, 'security, backup codes shown');

    await page.getByRole('button', { name: 'I have saved these codes' }).click();
    await expect(page.getByText('10 backup codes left')).toBeVisible();
    await check(page, 'security, two-factor on');

    await page.getByRole('button', { name: 'Regenerate backup codes' }).click();
    await expect(page.getByRole('form', { name: 'Regenerate backup codes' })).toBeVisible();
    await check(page, 'security, regenerate form open');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Disable two-factor authentication' }).click();
    await expect(page.getByRole('form', { name: 'Disable two-factor authentication' })).toBeVisible();
    await check(page, 'security, disable form open');

    await page.goto(await linkFromMail(page, email, '/undo/'));
    await expect(page.getByRole('heading', { name: 'This wasn’t me' })).toBeVisible();
    await check(page, 'undo, link');

    await page.goto('/dashboard');
    await signOut(page);
    await fillSignIn(page, email, password);
    await expect(page).toHaveURL(/\/login\/verify/);
    await expect(page.getByLabel('Authentication code')).toBeVisible();
    await check(page, 'login/verify, authenticator code');
    await page.getByRole('link', { name: 'Use a backup code' }).click();
    await expect(page.getByLabel('Backup code')).toBeVisible();
    await check(page, 'login/verify, backup code');
  });
});
