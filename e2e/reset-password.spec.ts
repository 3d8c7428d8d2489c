import { expect, type Page, test } from '@playwright/test';
import {
  enrollTotp,
  fillSignIn,
  linkFromMail,
  register,
  signIn,
  signOut,
  strongPassword,
  uniqueEmail,
} from './fixtures';
import { totpCode, wrongTotpCodes } from './totp';

test.skip(Boolean(process.env.BASE_URL), 'reads mail from the local outbox');
// The two-factor journey waits for fresh 30-second steps.
test.describe.configure({ timeout: 150_000 });

const formAlert = (page: Page) => page.getByRole('main').getByRole('alert');
const CONFIRMATION = 'If an account uses this address, we have sent it a link to reset the password.';

/** Ask for a link from /forgot-password; returns the confirmation as shown. */
async function askForLink(page: Page, email: string): Promise<string> {
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  const confirmation = page.getByRole('status');
  await expect(confirmation).toContainText(CONFIRMATION);
  // Focus moves to the confirmation (its focusable wrapper), so it is read out.
  await expect(page.locator(':focus')).toContainText(CONFIRMATION);
  return (await confirmation.textContent()) ?? '';
}

test('a reset link sets a new password once and signs out every session', async ({ page, browser }) => {
  const email = uniqueEmail('reset');
  const oldPassword = strongPassword();
  const newPassword = strongPassword();
  await register(page, email, oldPassword);
  await signOut(page);

  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, email, oldPassword);

  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  const known = await askForLink(page, email);
  await expect(page.getByLabel('Email')).toHaveValue(email);

  // An address without an account gets exactly the same reply.
  await page.goto('/forgot-password');
  expect(await askForLink(page, uniqueEmail('nobody'))).toBe(known);

  const link = await linkFromMail(page, email, '/reset-password/');
  expect(new URL(link).pathname).toMatch(/^\/reset-password\/[A-Za-z0-9_-]{43}$/);
  await page.goto(link);
  await expect(page.getByText(`For ${email}.`)).toBeVisible();
  await expect(page.getByLabel('Authentication code')).toHaveCount(0);
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Reset password' }).click();
  await expect(page).toHaveURL(/\/login\?notice=password-reset$/);
  await expect(page.getByRole('status')).toContainText('Your password was reset');

  // The other browser's session ended with the reset.
  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();

  await fillSignIn(page, email, oldPassword);
  await expect(formAlert(page)).toHaveText('Invalid email or password');
  await fillSignIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/dashboard$/);

  await page.goto(link);
  await expect(formAlert(page)).toContainText('invalid, already used, or expired');
  await expect(page.getByRole('button', { name: 'Reset password' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Ask for a new reset link' })).toHaveAttribute(
    'href',
    '/forgot-password',
  );
});

test('with two-factor on, the link also asks for a code', async ({ page }) => {
  const email = uniqueEmail('reset-mfa');
  const newPassword = strongPassword();
  const oldPassword = strongPassword();
  await register(page, email, oldPassword);
  const { secret, lastStep } = await enrollTotp(page, oldPassword);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await signOut(page);

  await page.goto('/forgot-password');
  await askForLink(page, email);
  const link = await linkFromMail(page, email, '/reset-password/');
  await page.goto(link);
  await expect(page.getByLabel('Authentication code')).toBeVisible();

  // A wrong code is refused and does not spend the link.
  await page.getByLabel('New password').fill(newPassword);
  const [wrong = ''] = await wrongTotpCodes(secret);
  await page.getByLabel('Authentication code').fill(wrong);
  await page.getByRole('button', { name: 'Reset password' }).click();
  await expect(formAlert(page)).toContainText('Invalid code');
  await expect(page.getByLabel('Authentication code')).toBeFocused();

  await page.goto(link);
  await page.getByLabel('New password').fill(newPassword);
  const { code } = await totpCode(secret, lastStep);
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Reset password' }).click();
  await expect(page).toHaveURL(/\/login\?notice=password-reset$/);

  // The new password is only the first step.
  await fillSignIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.getByLabel('Authentication code')).toBeVisible();
});
