import { expect, test } from '@playwright/test';
import {
  enrollTotp,
  fillSignIn,
  linkFromMail,
  mailTo,
  register,
  signOut,
  strongPassword,
  uniqueEmail,
} from './fixtures';

test.skip(Boolean(process.env.BASE_URL), 'reads mail from the local outbox');

const formAlert = (page: import('@playwright/test').Page) => page.getByRole('main').getByRole('alert');

test('changing the email address: password first, then the new address confirms, the old one is told', async ({
  page,
}) => {
  const email = uniqueEmail('old');
  const password = strongPassword();
  await register(page, email, password);
  const next = uniqueEmail('new');

  await page.goto('/settings/security');
  const opener = page.getByRole('button', { name: 'Change email address' });
  await opener.click();
  const form = page.getByRole('form', { name: 'Change email address' });
  await expect(form.getByLabel('New email')).toBeFocused();

  // Wrong password: an error, nothing sent, the typed address kept.
  await form.getByLabel('New email').fill(next);
  await form.getByLabel('Password').fill('not my password at all');
  await form.getByRole('button', { name: 'Change email' }).click();
  await expect(form.getByRole('alert')).toContainText('Your current password is not correct');
  await expect(form.getByLabel('New email')).toHaveValue(next);

  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Change email' }).click();
  // The news is announced and focus moves to it (the form it came from is gone).
  await expect(page.getByRole('status')).toContainText(`We sent a link to ${next}`);
  await expect(page.locator(':focus')).toContainText(`We sent a link to ${next}`);
  // Nothing changes before the link is opened.
  await page.reload();
  await expect(page.getByText(`Account: ${email}`)).toBeVisible();

  const link = await linkFromMail(page, next, '/verify-email/');
  await page.goto(link);
  await page.getByRole('button', { name: 'Verify email address' }).click();
  await expect(page.getByText(`Your email address is now ${next}`)).toBeVisible();

  // This session carries on under the new address; the old address got a notice.
  await page.goto('/dashboard');
  await expect(page.getByText(`Signed in as ${next}`)).toBeVisible();
  const notice = await mailTo(page, email, /email address of your Latchkey account was changed/);
  expect(notice).toContain(next);

  // The link was spent.
  await page.goto(link);
  await page.getByRole('button', { name: 'Verify email address' }).click();
  await expect(formAlert(page)).toContainText('invalid, already used, or expired');

  // Sign-in now uses the new address only.
  await page.goto('/dashboard');
  await signOut(page);
  await fillSignIn(page, email, password);
  await expect(formAlert(page)).toContainText('Invalid email or password');
  await fillSignIn(page, next, password);
  await expect(page).toHaveURL(/\/dashboard$/);
});

test('the email form opens and closes from the keyboard', async ({ page }) => {
  await register(page, uniqueEmail('kbd'), strongPassword());
  await page.goto('/settings/security');
  const opener = page.getByRole('button', { name: 'Change email address' });
  await opener.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('New email')).toBeFocused();
  await page.getByRole('button', { name: 'Cancel' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('New email')).toHaveCount(0);
  await expect(opener).toBeFocused();
});

test('a refusal about a field this form does not show is shown at the top of the form, never dropped', async ({
  page,
  context,
}) => {
  const email = uniqueEmail('orphan');
  const password = strongPassword();
  await register(page, email, password);

  // This tab opens the email form while two-factor is off, so it has no code field.
  await page.goto('/settings/security');
  await page.getByRole('button', { name: 'Change email address' }).click();
  const form = page.getByRole('form', { name: 'Change email address' });
  await expect(form.getByLabel('Authentication code')).toHaveCount(0);

  // Another tab of the same browser turns two-factor on meanwhile.
  const other = await context.newPage();
  await enrollTotp(other, password);
  await other.close();

  // The server now asks for a code; the field it names is not here, so the form says it at the top.
  await form.getByLabel('New email').fill(uniqueEmail('orphan-new'));
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Change email' }).click();
  const alert = form.getByRole('alert');
  await expect(alert).toContainText('Enter a code from your authenticator app, or one of your backup codes');
  await expect(alert.locator('..')).toBeFocused();
});
