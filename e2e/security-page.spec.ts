import { expect, test } from '@playwright/test';
import { apiRegister, fillSignIn } from './fixtures';

test('the security page opens with a summary, lets you jump between sections, and keeps deletion last', async ({
  page,
  request,
}) => {
  const account = await apiRegister(request, 'summary');
  await page.goto('/login');
  await fillSignIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/settings/security');
  const summary = page.getByTestId('security-summary');
  await expect(summary).toContainText('Two-factor authentication: off');
  await expect(summary).toContainText('Email: not verified');
  await expect(summary).toContainText('Signed in: 1 session');
  await expect(summary.getByText(/Backup codes/)).toHaveCount(0);

  // The summary comes before every other section; the deletion panel after all of them.
  const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
  expect(headings[0]).toBe('Your security at a glance');
  expect(headings.at(-1)).toMatch(/Delete/);

  await summary
    .getByRole('navigation', { name: 'Sections of this page' })
    .getByRole('link', { name: 'Where you’re signed in' })
    .click();
  await expect(page).toHaveURL(/#sessions-title$/);
  await expect(page.getByRole('heading', { name: 'Where you’re signed in' })).toBeInViewport();
});
