import { expect, test } from '@playwright/test';
import {
  awayFromWindowEnd,
  enrollTotp,
  fillSignIn,
  linkFromMail,
  register,
  strongPassword,
  uniqueEmail,
} from './fixtures';

test.skip(Boolean(process.env.BASE_URL), 'reads mail from the local outbox');

test('two-factor turned on by someone else: the mailbox\'s "This wasn\'t me" turns it off and signs everyone out', async ({
  page,
  browser,
}) => {
  const email = uniqueEmail('undo-mfa');
  const password = strongPassword();
  await register(page, email, password);
  // Stands for an intruder's session: it turns two-factor on with its own authenticator.
  await enrollTotp(page, password);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();

  // The owner reads the notice somewhere else, signed out.
  const mailbox = await (await browser.newContext()).newPage();
  const link = await linkFromMail(mailbox, email, '/undo/');
  await mailbox.goto(link);
  await expect(mailbox.getByRole('heading', { name: 'This wasn’t me' })).toBeVisible();
  await expect(mailbox.getByText('Two-factor authentication was turned on for your account.')).toBeVisible();
  await mailbox.getByRole('button', { name: 'Secure my account' }).click();
  // Focus follows to the outcome, so it is read out.
  await expect(mailbox.locator(':focus')).toContainText('Two-factor authentication is off again');
  await expect(mailbox.getByRole('link', { name: 'Reset your password' })).toHaveAttribute(
    'href',
    '/forgot-password',
  );

  // The intruder's session is over, and the link works once.
  await page.goto('/settings/security');
  await expect(page).toHaveURL(/\/login/);
  await mailbox.goto(link);
  await expect(mailbox.getByRole('main').getByRole('alert')).toContainText(
    'This link is invalid, already used, or expired',
  );

  // The password alone signs in again: no second step left that the owner never set up.
  await mailbox.goto('/login');
  await fillSignIn(mailbox, email, password);
  await expect(mailbox).toHaveURL(/\/dashboard$/);
});

test('an address change asked for by someone else: the old address hears at once and cancels it', async ({
  page,
  browser,
}) => {
  const email = uniqueEmail('undo-email');
  const password = strongPassword();
  const intruders = uniqueEmail('intruder');
  await register(page, email, password);
  await page.goto('/settings/security');
  await page.getByRole('button', { name: 'Change email address' }).click();
  const form = page.getByRole('form', { name: 'Change email address' });
  await form.getByLabel('New email').fill(intruders);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Change email' }).click();
  await expect(page.getByRole('status')).toContainText(`We sent a link to ${intruders}`);

  const mailbox = await (await browser.newContext()).newPage();
  await mailbox.goto(await linkFromMail(mailbox, email, '/undo/'));
  await mailbox.getByRole('button', { name: 'Secure my account' }).click();
  await expect(mailbox.getByText(/The address change was cancelled/)).toBeVisible();

  // The confirmation link the intruder got is dead.
  await mailbox.goto(await linkFromMail(mailbox, intruders, '/verify-email/'));
  await mailbox.getByRole('button', { name: 'Verify email address' }).click();
  await expect(mailbox.getByRole('main').getByRole('alert')).toContainText('invalid');
});

test('five wrong passwords from another browser do not lock out the browser that signed in before', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const email = uniqueEmail('lockout');
  const password = strongPassword();
  await register(page, email, password);
  await page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click();
  await awayFromWindowEnd();

  const elsewhere = await (await browser.newContext()).newPage();
  for (let i = 0; i < 5; i++) {
    await elsewhere.goto('/login');
    await fillSignIn(elsewhere, email, `wrong password number ${i}`);
    await expect(elsewhere.getByRole('main').getByRole('alert')).toContainText('Invalid email or password');
  }
  await elsewhere.goto('/login');
  await fillSignIn(elsewhere, email, password);
  await expect(elsewhere.getByRole('main').getByRole('alert')).toContainText('Too many attempts');

  // The owner's browser has its own budget.
  await page.goto('/login');
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
});
