import { expect, test } from '@playwright/test';
import { linkFromMail, register, strongPassword, uniqueEmail } from './fixtures';

test.skip(Boolean(process.env.BASE_URL), 'reads mail from the local outbox');

test('a new account verifies its email through the link; the link works once', async ({ page }) => {
  const email = uniqueEmail('verify');
  await register(page, email, strongPassword());
  await expect(page.getByRole('heading', { name: 'Verify your email address' })).toBeVisible();

  // Asking again disables the first link.
  const first = await linkFromMail(page, email, '/verify-email/');
  await page.goto('/dashboard');
  await page.getByRole('button', { name: 'Resend verification email' }).click();
  await expect(page.getByRole('status')).toContainText('A new link is on its way');
  const second = await linkFromMail(page, email, '/verify-email/');
  expect(second).not.toBe(first);

  await page.goto(first);
  await page.getByRole('button', { name: 'Verify email address' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('invalid, already used, or expired');

  await page.goto(second);
  await page.getByRole('button', { name: 'Verify email address' }).click();
  await expect(page.getByText('Your email address is verified.')).toBeVisible();

  await page.goto(second);
  await page.getByRole('button', { name: 'Verify email address' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('invalid, already used, or expired');

  await page.goto('/dashboard');
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Resend verification email' })).toHaveCount(0);
});
