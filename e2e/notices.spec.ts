import { expect, test } from '@playwright/test';
import { enrollTotp, fillSignIn, mailTo, register, signOut, strongPassword, uniqueEmail } from './fixtures';

test.skip(Boolean(process.env.BASE_URL), 'reads mail from the local outbox');

test('security notices arrive for each change a person must know about', async ({ page }) => {
  const email = uniqueEmail('notices');
  const password = strongPassword();
  await register(page, email, password);

  const { backupCodes } = await enrollTotp(page, password);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await mailTo(page, email, /Two-factor authentication is on/);

  // A backup code at sign-in: the notice says how many are left, and never the code.
  await page.goto('/dashboard');
  await signOut(page);
  await fillSignIn(page, email, password);
  await page.getByRole('link', { name: 'Use a backup code' }).click();
  await page.getByLabel('Backup code').fill(backupCodes[0] ?? '');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  const used = await mailTo(page, email, /A backup code was used/);
  expect(used).toContain('You have 9 backup codes left.');
  expect(used).not.toContain(backupCodes[0]);

  await page.goto('/settings/security');
  await page.getByRole('button', { name: 'Regenerate backup codes' }).click();
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Authentication code').fill(backupCodes[1] ?? '');
  await page.getByRole('button', { name: 'Regenerate backup codes' }).click();
  const fresh = page.getByTestId('backup-codes').getByRole('listitem');
  await expect(fresh).toHaveCount(10);
  const newCode = (await fresh.first().textContent())?.trim() ?? '';
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await mailTo(page, email, /New backup codes/);

  await page.goto('/settings/security');
  await page.getByRole('button', { name: 'Disable two-factor authentication' }).click();
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Authentication code').fill(newCode);
  await page.getByRole('button', { name: 'Disable two-factor authentication' }).click();
  await expect(page.getByText('Two-factor authentication is off')).toBeVisible();
  await mailTo(page, email, /Two-factor authentication was turned off/);

  await page.goto('/settings/security');
  await page.getByText('Set a new password').click();
  await page.getByLabel('Current password').fill(password);
  await page.getByLabel('New password').fill(strongPassword());
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your password was changed.')).toBeVisible();
  const changed = await mailTo(page, email, /password was changed/);
  // Where it came from, as a person can check it.
  expect(changed).toMatch(/From: Chrome on \w+, IP address/);
});
