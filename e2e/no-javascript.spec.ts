import { expect, type Page, test } from '@playwright/test';
import { fillSignIn, register, strongPassword, uniqueEmail } from './fixtures';
import { totpCode, wrongTotpCodes } from './totp';

/**
 * Turning two-factor on in a browser without JavaScript (a locked-down browser, a script blocker,
 * a page that failed to load its bundle): every step is a form the server answers, and the backup
 * codes are shown in the answer that turned two-factor on, since nothing can show them later.
 */
test.use({ javaScriptEnabled: false });

async function openSetUp(page: Page, password: string): Promise<string> {
  await page.goto('/settings/security');
  await expect(page.getByText('Two-factor authentication is off')).toBeVisible();
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  await expect(page).toHaveURL(/\/settings\/security\?setup=1/);
  const form = page.getByRole('form', { name: /Confirm your password/ });
  await form.getByLabel('Password', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  return secret;
}

test('without JavaScript, turning two-factor on shows the backup codes, and they work', async ({ page }) => {
  const email = uniqueEmail('nojs');
  const password = strongPassword();
  await register(page, email, password);

  const secret = await openSetUp(page, password);
  // No button that needs JavaScript to work is offered.
  await expect(page.getByRole('button', { name: 'Copy key' })).toHaveCount(0);
  const { code } = await totpCode(secret);
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify and enable' }).click();

  const list = page.getByTestId('backup-codes');
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
  await expect(page.getByText('Two-factor authentication is on').first()).toBeVisible();
  await expect(page.getByText(/Write them down or print this page/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy codes' })).toHaveCount(0);

  // Shown once: dismissing them (or loading the page again) does not bring them back.
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(page.getByText('Two-factor authentication is on').first()).toBeVisible();
  await expect(page.getByTestId('backup-codes')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('backup-codes')).toHaveCount(0);
  await expect(page.getByText('10 backup codes left')).toBeVisible();

  // The codes on screen are the account's: one of them completes a sign-in (still no JavaScript).
  await page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/verify/);
  await page
    .getByRole('link', { name: 'Use a backup code' })
    .or(page.getByRole('button', { name: 'Use a backup code' }))
    .click();
  await page.getByLabel('Backup code').fill(codes[0] ?? '');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test('without JavaScript, a wrong code says so and the set-up can go on', async ({ page }) => {
  const email = uniqueEmail('nojs-wrong');
  const password = strongPassword();
  await register(page, email, password);

  const first = await openSetUp(page, password);
  // A code that is not the app's: six digits none of the steps around now shows.
  const [wrong = ''] = await wrongTotpCodes(first);
  await page.getByLabel('Authentication code').fill(wrong);
  await page.getByRole('button', { name: 'Verify and enable' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Two-factor authentication was not turned on' }),
  ).toBeVisible();
  await expect(page.getByText('Two-factor authentication is off')).toBeVisible();

  // The password again gives a new key, which then turns two-factor on.
  const form = page.getByRole('form', { name: /Confirm your password/ });
  await form.getByLabel('Password', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Continue' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
  expect(secret).not.toBe(first);
  await page.getByLabel('Authentication code').fill((await totpCode(secret)).code);
  await page.getByRole('button', { name: 'Verify and enable' }).click();
  await expect(page.getByTestId('backup-codes').getByRole('listitem')).toHaveCount(10);
});

test('without JavaScript, Cancel leaves the set-up', async ({ page }) => {
  await register(page, uniqueEmail('nojs-cancel'), strongPassword());
  await page.goto('/settings/security?setup=1');
  await page
    .getByRole('form', { name: /Confirm your password/ })
    .getByRole('button', { name: 'Cancel' })
    .click();
  await expect(page.getByRole('form', { name: /Confirm your password/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Set up authenticator app' })).toBeVisible();
});
