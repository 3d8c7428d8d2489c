import { expect, type Page, test } from '@playwright/test';
import { generate } from 'otplib';
import { enrollTotp, fillSignIn, register, signIn, strongPassword, uniqueEmail } from './fixtures';
import { stepAt, totpCode } from './totp';

// The two-factor journey waits for a fresh 30-second step before the right code.
test.describe.configure({ timeout: 150_000 });

const deletedNotice = 'Your account and everything in it were deleted.';

function deletePanel(page: Page) {
  return page.getByRole('region', { name: 'Delete your account' });
}

async function expectSignedOutAndFree(page: Page, email: string, password: string) {
  // This browser's cookie is gone, not only the session behind it.
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain('latchkey.session');
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
  await fillSignIn(page, email, password);
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password');
}

test('deleting an account ends it everywhere; the address can register again', async ({ page, browser }) => {
  const email = uniqueEmail('delete');
  const password = strongPassword();
  await register(page, email, password);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, email, password);

  await page.goto('/settings/security');
  const panel = deletePanel(page);
  const opener = panel.getByRole('button', { name: 'Delete my account' });

  // By keyboard: opening moves focus into the form, Cancel brings it back.
  await opener.focus();
  await page.keyboard.press('Enter');
  await expect(panel.getByLabel('Password', { exact: true })).toBeFocused();
  await expect(panel).toContainText('This cannot be undone.');
  await expect(panel.getByLabel('Authentication code')).toHaveCount(0);
  await panel.getByRole('button', { name: 'Cancel' }).focus();
  await page.keyboard.press('Enter');
  await expect(opener).toBeFocused();
  await expect(panel.getByLabel('Password', { exact: true })).toHaveCount(0);

  await opener.click();
  await panel.getByLabel('Password', { exact: true }).fill('not-the-password-at-all');
  await panel.getByRole('button', { name: 'Delete account', exact: true }).click();
  await expect(panel.getByRole('alert')).toHaveText('Your current password is not correct');
  await expect(panel.getByLabel('Password', { exact: true })).toBeFocused();

  await panel.getByLabel('Password', { exact: true }).fill(password);
  await panel.getByRole('button', { name: 'Delete account', exact: true }).click();
  await expect(page).toHaveURL(/\/\?deleted=1$/);
  await expect(page.getByRole('main').getByRole('status')).toHaveText(deletedNotice);

  // The other browser still holds a well-formed cookie, so middleware lets it through; the
  // export route itself refuses it, and the next page load signs it out.
  const stale = await otherPage.request.get('/settings/security/export', { maxRedirects: 0 });
  expect(stale.status()).toBe(307);
  expect(stale.headers().location).toMatch(/\/session-ended\?callbackUrl=%2Fsettings%2Fsecurity$/);
  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/login\?/);
  await other.close();

  await expectSignedOutAndFree(page, email, password);

  const newPassword = strongPassword();
  await register(page, email, newPassword);
  await page.goto('/settings/security');
  await expect(page.getByText('Two-factor authentication is off')).toBeVisible();
  // A fresh history: the old account's sign-in (from the other browser) went with it.
  const activity = page.getByTestId('security-activity');
  await expect(activity).toContainText('Account created');
  await expect(activity).not.toContainText('Signed in');
});

test('with two-factor on, deletion also asks for a code', async ({ page }) => {
  const email = uniqueEmail('delete-mfa');
  const password = strongPassword();
  await register(page, email, password);
  const { secret, lastStep } = await enrollTotp(page, password);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();

  const panel = deletePanel(page);
  await panel.getByRole('button', { name: 'Delete my account' }).click();
  await panel.getByLabel('Password', { exact: true }).fill(password);
  await panel.getByRole('button', { name: 'Delete account', exact: true }).click();
  const codeInput = panel.getByLabel('Authentication code');
  await expect(panel.getByRole('alert')).toHaveText(
    'Enter a code from your authenticator app, or one of your backup codes',
  );
  await expect(codeInput).toBeFocused();

  // A well-formed code from an hour or more ago that is none of the codes valid now (a 6-digit
  // code can repeat, so look further back until one differs).
  const current = await Promise.all(
    [-1, 0, 1].map((d) => generate({ secret, epoch: (stepAt(Date.now()) + d) * 30 })),
  );
  let stale = '';
  for (let hoursAgo = 1; !stale || current.includes(stale); hoursAgo++) {
    stale = await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 3600 * hoursAgo });
  }
  await panel.getByLabel('Password', { exact: true }).fill(password);
  await codeInput.fill(stale);
  await panel.getByRole('button', { name: 'Delete account', exact: true }).click();
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(
    'The password or the code is not correct',
  );

  const { code } = await totpCode(secret, lastStep);
  await panel.getByLabel('Password', { exact: true }).fill(password);
  await codeInput.fill(code);
  await panel.getByRole('button', { name: 'Delete account', exact: true }).click();
  await expect(page).toHaveURL(/\/\?deleted=1$/);
  await expect(page.getByRole('main').getByRole('status')).toHaveText(deletedNotice);

  await expectSignedOutAndFree(page, email, password);
});
