import { expect, test } from '@playwright/test';
import { enrollTotp, fillSignIn, register, signOut, strongPassword, uniqueEmail } from './fixtures';
import { totpCode, wrongTotpCodes } from './totp';

// Codes are single use per 30-second step, so these journeys wait for fresh steps.
test.describe.configure({ timeout: 150_000 });

const formAlert = (page: import('@playwright/test').Page) => page.getByRole('main').getByRole('alert');

test('enroll, sign in with a code and with backup codes, regenerate, disable', async ({ page }) => {
  const email = uniqueEmail('mfa');
  const password = strongPassword();
  await register(page, email, password);

  const { secret, backupCodes, lastStep } = await enrollTotp(page, password);
  for (const code of backupCodes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  await expect(page.getByRole('button', { name: 'Copy codes' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download codes' })).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download codes' }).click();
  expect((await download).suggestedFilename()).toMatch(/\.txt$/);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(page.getByText('10 backup codes left')).toBeVisible();
  await expect(page.getByTestId('backup-codes')).toHaveCount(0); // shown once only

  // Password alone is not enough: the second step comes first, and no session exists yet.
  await signOut(page);
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/verify/);
  const codeInput = page.getByLabel('Authentication code');
  await expect(codeInput).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(codeInput).toHaveAttribute('inputmode', 'numeric');
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard/);

  // An authenticator code works once.
  await fillSignIn(page, email, password);
  const { code } = await totpCode(secret, lastStep);
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await signOut(page);

  await fillSignIn(page, email, password);
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(formAlert(page)).toContainText('Invalid code');

  // A backup code works once, in any case and without its dash.
  await page.getByRole('link', { name: 'Use a backup code' }).click();
  const first = backupCodes[0] ?? '';
  await page.getByLabel('Backup code').fill(first.replace('-', '').toLowerCase());
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await signOut(page);

  await fillSignIn(page, email, password);
  await page.getByRole('link', { name: 'Use a backup code' }).click();
  await page.getByLabel('Backup code').fill(first);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(formAlert(page)).toContainText('Invalid code');
  await page.getByLabel('Backup code').fill(backupCodes[1] ?? '');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // Regenerate: needs the password and a current code; the old codes stop working.
  await page.goto('/settings/security');
  await expect(page.getByText('8 backup codes left')).toBeVisible();
  await page.getByRole('button', { name: 'Regenerate backup codes' }).click();
  await page.getByLabel('Password', { exact: true }).fill('not-my-password-at-all');
  await page.getByLabel('Authentication code').fill(backupCodes[2] ?? '');
  await page.getByRole('button', { name: 'Regenerate backup codes' }).click();
  await expect(formAlert(page)).toContainText('not correct');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Regenerate backup codes' }).click();
  const fresh = page.getByTestId('backup-codes').getByRole('listitem');
  await expect(fresh).toHaveCount(10);
  const newCodes = (await fresh.allTextContents()).map((c) => c.trim());
  expect(newCodes).not.toContain(backupCodes[3]);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(page.getByText('10 backup codes left')).toBeVisible();

  // Disable: an old code is refused, a new one works; the page says it is off.
  await page.getByRole('button', { name: 'Disable two-factor authentication' }).click();
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Authentication code').fill(backupCodes[3] ?? '');
  await page.getByRole('button', { name: 'Disable two-factor authentication' }).click();
  await expect(formAlert(page)).toContainText('not correct');
  await page.getByLabel('Authentication code').fill(newCodes[0] ?? '');
  await page.getByRole('button', { name: 'Disable two-factor authentication' }).click();
  await expect(page.getByText('Two-factor authentication is off')).toBeVisible();

  // And signing in needs the password only again.
  await signOut(page);
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);

  const activity = page.getByTestId('security-activity');
  await page.goto('/settings/security');
  await expect(activity.getByRole('listitem').first()).toContainText('Signed in');
  await expect(activity).toContainText('Two-factor authentication turned off');
  await expect(activity).toContainText('Backup code used');
});

test('enrollment works with the keyboard alone', async ({ page }) => {
  const password = strongPassword();
  await register(page, uniqueEmail('mfa-kbd'), password);
  await page.goto('/settings/security');
  await page.getByRole('button', { name: 'Set up authenticator app' }).focus();
  await page.keyboard.press('Enter');
  // The password first, in a field that has focus; Enter continues.
  await expect(
    page.getByRole('form', { name: /Confirm your password/ }).getByLabel('Password'),
  ).toBeFocused();
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  // Focus follows to the QR code's heading.
  await expect(page.getByRole('heading', { name: 'Scan this QR code' })).toBeFocused();
  const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const { code } = await totpCode(secret);
  // From the key's copy button, Tab reaches the code field.
  await page.getByRole('button', { name: 'Copy key' }).focus();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Authentication code')).toBeFocused();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('backup-codes').getByRole('listitem')).toHaveCount(10);
  await expect(page.getByText('Two-factor authentication is on')).toBeVisible();
});

test('five wrong codes end the challenge; the password step must be repeated', async ({ page }) => {
  const email = uniqueEmail('mfa-cap');
  const password = strongPassword();
  await register(page, email, password);
  const { secret } = await enrollTotp(page, password);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await signOut(page);

  // Codes none of the steps around now shows (fixed digits are the right code now and then).
  const wrong = await wrongTotpCodes(secret, 5);
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/verify/);
  for (let i = 0; i < 4; i++) {
    await page.getByLabel('Authentication code').fill(wrong[i] ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(formAlert(page)).toContainText(`${4 - i} attempt`);
  }
  await page.getByLabel('Authentication code').fill(wrong[4] ?? '');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/login\?notice=mfa-exhausted/);
  await expect(formAlert(page)).toContainText('Too many wrong codes');
});

test('enabling two-factor signs out every other session', async ({ page, browser }) => {
  const email = uniqueEmail('mfa-others');
  const password = strongPassword();
  await register(page, email, password);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto('/login');
  await fillSignIn(otherPage, email, password);
  await expect(otherPage).toHaveURL(/\/dashboard$/);

  await enrollTotp(page, password);
  await otherPage.goto('/dashboard');
  await expect(otherPage).toHaveURL(/\/login/);
  // This session goes on (under a new id).
  await page.goto('/dashboard');
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await other.close();
});
