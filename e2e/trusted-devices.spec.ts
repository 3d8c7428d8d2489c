import { expect, type Page, test } from '@playwright/test';
import { expectAccessibleInEveryView } from './axe';
import { enrollTotp, fillSignIn, mailTo, register, signOut, strongPassword, uniqueEmail } from './fixtures';

// Playwright's Desktop Chrome speaks with a Windows user agent: the device is 'Chrome on Windows'.
// Each journey registers, enrolls and signs in several times (argon2id every time).
test.describe.configure({ timeout: 150_000 });

/** A fresh account with two-factor on, its backup codes kept (each signs in once), signed out. */
async function accountWithTwoFactor(page: Page, tag: string) {
  const email = uniqueEmail(tag);
  const password = strongPassword();
  await register(page, email, password);
  const { backupCodes } = await enrollTotp(page, password);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await signOut(page);
  return { email, password, codes: [...backupCodes] };
}

/** The second step with a backup code (no waiting for a fresh 30-second step), trusting or not. */
async function secondStep(page: Page, code: string, trust: boolean) {
  await expect(page).toHaveURL(/\/login\/verify/);
  await page.getByRole('link', { name: 'Use a backup code' }).click();
  await page.getByLabel('Backup code').fill(code);
  if (trust) await page.getByLabel('Trust this device for 30 days').check();
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

const trustedList = (page: Page) => page.getByTestId('trusted-devices').getByRole('listitem');

test('a trusted browser skips the second step (never the password) until it is removed', async ({ page }) => {
  const { email, password, codes } = await accountWithTwoFactor(page, 'trust');

  // The checkbox is offered in both modes, off by default.
  await page.goto('/login');
  await fillSignIn(page, email, password);
  await expect(page.getByLabel('Trust this device for 30 days')).not.toBeChecked();
  await secondStep(page, codes.shift() ?? '', true);

  // The owner is told, with the device's name and where to remove it.
  const mail = await mailTo(page, email, /A device was trusted/);
  expect(mail).toContain('Chrome on Windows');
  expect(mail).toContain('/settings/security');

  // Signed out: the password alone now lands on the dashboard.
  await page.goto('/dashboard');
  await signOut(page);
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);

  // The password is still asked: a wrong one is refused as always.
  await signOut(page);
  await fillSignIn(page, email, 'not-the-password-at-all');
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password');
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);

  // Listed on the security page with a name people recognise, and removable.
  await page.goto('/settings/security');
  await expect(page.getByTestId('security-activity')).toContainText('Signed in on a trusted device');
  await expect(trustedList(page)).toHaveCount(1);
  await expect(trustedList(page)).toContainText('Chrome on Windows');
  // The list, at desktop and phone widths, light and dark: no serious axe finding.
  await expectAccessibleInEveryView(page, 'security page with a trusted device');
  const remove = trustedList(page).getByRole('button', { name: 'Remove', exact: true });
  await expect(remove).toHaveAccessibleDescription(/Chrome on Windows/);
  await remove.click();
  const status = page.getByRole('status').filter({ hasText: 'Removed Chrome on Windows' });
  await expect(status).toBeVisible();
  // Focus follows the change: the confirmation, not the top of the page.
  await expect(page.locator(':focus')).toContainText('Removed Chrome on Windows');
  await expect(trustedList(page)).toHaveCount(0);
  await expect(page.getByTestId('trusted-devices-empty')).toBeVisible();
  await expectAccessibleInEveryView(page, 'security page after removing a trusted device');

  // The next sign-in asks for the second step again.
  await signOut(page);
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/verify/);
});

test('Remove all, and a password change, end every trusted device', async ({ page, browser }) => {
  const { email, password, codes } = await accountWithTwoFactor(page, 'trust-all');

  // Two browsers trusted: this one, and another.
  await page.goto('/login');
  await fillSignIn(page, email, password);
  await secondStep(page, codes.shift() ?? '', true);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto('/login');
  await fillSignIn(otherPage, email, password);
  await secondStep(otherPage, codes.shift() ?? '', true);

  await page.goto('/settings/security');
  await expect(trustedList(page)).toHaveCount(2);
  await page.getByRole('button', { name: 'Remove all' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Removed 2 trusted devices' })).toBeVisible();
  await expect(trustedList(page)).toHaveCount(0);

  // The other browser's session goes on, but its next sign-in asks for a code.
  await signOut(otherPage);
  await fillSignIn(otherPage, email, password);
  await expect(otherPage).toHaveURL(/\/login\/verify/);
  await secondStep(otherPage, codes.shift() ?? '', true);

  // Trusted again; then a password change removes it.
  await page.goto('/settings/security');
  await expect(trustedList(page)).toHaveCount(1);
  const newPassword = strongPassword();
  const panel = page.getByRole('region', { name: 'Change your password' });
  await panel.getByText('Set a new password').click();
  await panel.getByLabel('Current password').fill(password);
  await panel.getByLabel('New password').fill(newPassword);
  await panel.getByRole('button', { name: 'Change password' }).click();
  await expect(panel.getByRole('status')).toContainText('Your password was changed');
  await page.reload();
  await expect(trustedList(page)).toHaveCount(0);
  await expect(page.getByTestId('security-activity')).toContainText(
    'Trusted device removed (password changed)',
  );

  await otherPage.goto('/login');
  await fillSignIn(otherPage, email, newPassword);
  await expect(otherPage).toHaveURL(/\/login\/verify/);
  await other.close();
});
