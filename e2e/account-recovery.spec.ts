import { expect, type Page, test } from '@playwright/test';
import {
  enrollTotp,
  fillSignIn,
  linkFromMail,
  mailTo,
  register,
  signInWithTotp,
  signOut,
  strongPassword,
  uniqueEmail,
} from './fixtures';

test.skip(
  Boolean(process.env.BASE_URL),
  'reads mail from the local outbox, and needs the e2e server’s short wait',
);
// Enrolling, a fresh 30-second step for a second sign-in, and the recovery's wait (about 29 s on
// the e2e server: RECOVERY_DELAY_HOURS in scripts/e2e-server.mjs). The first test reads the links
// from the mail (several page loads, after a second request) before it looks at the link "before
// the wait": with a wait of 15 s, a busy machine could get there too late.
test.describe.configure({ timeout: 180_000 });

const CONFIRMATION =
  'If this address belongs to an account with two-factor authentication, we have sent it a recovery link.';
const formAlert = (page: Page) => page.getByRole('main').getByRole('alert');

/** An account recovery is for: verified address, two-factor on; signed out again. */
async function accountWithTwoFactor(page: Page, tag: string) {
  const email = uniqueEmail(tag);
  const password = strongPassword();
  await register(page, email, password);
  await page.goto(await linkFromMail(page, email, '/verify-email/'));
  await page.getByRole('button', { name: 'Verify email address' }).click();
  await expect(page.getByText('Your email address is verified.')).toBeVisible();
  const enrolled = await enrollTotp(page, password);
  await signOut(page);
  return { email, password, ...enrolled };
}

/** Ask from /account-recovery; returns the confirmation as shown. */
async function askForRecovery(page: Page, email: string): Promise<string> {
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send recovery link' }).click();
  const confirmation = page.getByRole('status');
  await expect(confirmation).toContainText(CONFIRMATION);
  // Focus moves to the confirmation, so it is read out.
  await expect(page.locator(':focus')).toContainText(CONFIRMATION);
  return (await confirmation.textContent()) ?? '';
}

test('a recovery starts from the second step, and its mail’s Cancel recovery link ends it', async ({
  page,
}) => {
  const user = await accountWithTwoFactor(page, 'recover-cancel');

  await page.goto('/login');
  await fillSignIn(page, user.email, user.password);
  await expect(page).toHaveURL(/\/login\/verify/);
  await page.getByRole('link', { name: 'Lost your authenticator and backup codes?' }).click();
  await expect(page).toHaveURL(/\/account-recovery$/);
  const known = await askForRecovery(page, user.email);
  // Any other address gets exactly the same reply.
  await page.goto('/account-recovery');
  expect(await askForRecovery(page, uniqueEmail('nobody'))).toBe(known);

  const mail = await mailTo(page, user.email, /Account recovery requested/);
  expect(mail).toContain('turns two-factor authentication off and signs out every session');
  const complete = await linkFromMail(page, user.email, '/account-recovery/complete/');
  const cancel = await linkFromMail(page, user.email, '/account-recovery/cancel/');

  // Before the wait: when it can complete, and no password field yet.
  await page.goto(complete);
  await expect(page.getByTestId('recovery-usable-at')).toContainText('can be completed from');
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0);

  await page.goto(cancel);
  await page.getByRole('button', { name: 'Cancel recovery' }).click();
  await expect(page.getByRole('status')).toContainText('Account recovery was cancelled');
  await expect(page.locator(':focus')).toContainText('Account recovery was cancelled');

  // Past the wait, the complete link no longer works.
  await page.waitForTimeout(30_000);
  await page.goto(complete);
  await expect(formAlert(page)).toContainText('invalid, already used, cancelled, or expired');
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0);
});

test('after the wait, the link and the password turn two-factor off and end every session', async ({
  page,
  browser,
}) => {
  const user = await accountWithTwoFactor(page, 'recover-complete');
  // A session elsewhere (the owner's old laptop, or an intruder's): it must end.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInWithTotp(otherPage, user.email, user.password, user.secret, user.lastStep);

  await page.goto('/account-recovery');
  await askForRecovery(page, user.email);
  const complete = await linkFromMail(page, user.email, '/account-recovery/complete/');
  await page.goto(complete);
  await expect(page.getByTestId('recovery-usable-at')).toBeVisible();

  await expect(async () => {
    await page.goto(complete);
    await expect(page.getByLabel('Password', { exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await expect(page.getByText(`For ${user.email}.`)).toBeVisible();

  // A wrong password is refused and changes nothing.
  await page.getByLabel('Password', { exact: true }).fill('not the password, clearly');
  await page.getByRole('button', { name: 'Complete recovery' }).click();
  await expect(formAlert(page)).toContainText('Invalid email or password');

  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Complete recovery' }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);
  await expect(page.getByText('Two-factor authentication is off')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Set up authenticator app' })).toBeVisible();

  // The other session ended with the recovery.
  await otherPage.goto('/settings/security');
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();

  expect(await mailTo(page, user.email, /was recovered/)).toContain('every session was signed out');
  // The link worked once.
  await page.goto(complete);
  await expect(formAlert(page)).toContainText('invalid, already used, cancelled, or expired');
});
