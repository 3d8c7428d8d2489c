import { expect, test } from '@playwright/test';
import { fillSignIn, register, signIn, signOut, strongPassword, uniqueEmail } from './fixtures';

test('changing the password signs out other sessions; the old password stops working', async ({
  page,
  browser,
}) => {
  const email = uniqueEmail('pwchange');
  const oldPassword = strongPassword();
  const newPassword = strongPassword();
  await register(page, email, oldPassword);

  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, email, oldPassword);

  await page.goto('/settings/security');
  const panel = page.getByRole('region', { name: 'Change your password' });
  await panel.getByText('Set a new password').click();
  await panel.getByLabel('Current password').fill('not-the-current-password');
  await panel.getByLabel('New password').fill(newPassword);
  await panel.getByRole('button', { name: 'Change password' }).click();
  await expect(panel.getByRole('alert')).toHaveText('Your current password is not correct');
  await expect(panel.getByLabel('Current password')).toBeFocused();

  await panel.getByLabel('Current password').fill(oldPassword);
  await panel.getByRole('button', { name: 'Change password' }).click();
  await expect(panel.getByRole('status')).toContainText('Your password was changed');
  await expect(panel.getByLabel('New password')).toHaveValue('');
  await expect(page.getByTestId('security-activity')).toContainText('Password changed');

  await otherPage.goto('/dashboard');
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();

  await signOut(page);
  await fillSignIn(page, email, oldPassword);
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password');
  await fillSignIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/dashboard$/);
});
