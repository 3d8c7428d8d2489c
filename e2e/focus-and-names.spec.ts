import { expect, type Locator, type Page, test } from '@playwright/test';
import { createUser, register, signIn, strongPassword, uniqueEmail } from './fixtures';
import { totpCode } from './totp';

// Issue 14: no dead ends for keyboards, screen readers and phones. Focus follows every change,
// every button says what it acts on, every password can be shown.

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

const twoFactorPanel = (page: Page) => page.getByRole('region', { name: 'Two-factor authentication' });

/** Focus is on the message (its focusable wrapper, as in the email panel), inside `scope`. */
async function expectFocusedStatus(scope: Locator, text: string): Promise<void> {
  await expect(scope.locator(':focus').getByRole('status')).toHaveText(text);
}

test('Show password shows and hides the password, keeps focus, and never submits', async ({ page }) => {
  const { email, password } = await createUser(page, 'toggle');
  await page.goto('/login');
  const field = page.getByLabel('Password', { exact: true });
  const toggle = page.getByRole('button', { name: 'Show password' });
  // One field labelled Password; the toggle is a button, not a second "Password".
  await expect(field).toHaveCount(1);
  await expect(field).toHaveAttribute('type', 'password');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(toggle).toHaveAttribute('type', 'button');

  await page.getByLabel('Email').fill(email);
  await field.fill(password);
  // From the keyboard: focus stays on the toggle, and nothing is sent.
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(field).toHaveAttribute('type', 'text');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(toggle).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(field).toHaveAttribute('type', 'password');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);

  // With the mouse while typing: the caret stays in the field.
  await field.focus();
  await toggle.click();
  await expect(field).toHaveAttribute('type', 'text');
  await expect(field).toBeFocused();
  await expect(field).toHaveValue(password);

  // The shown password is still the form's value (react-hook-form reads the same input).
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test('every password field has its own toggle, and Password labels stay unique', async ({ page }) => {
  await page.goto('/register');
  await expect(page.getByLabel('Password', { exact: true })).toHaveCount(1);
  const toggles = page.getByRole('button', { name: 'Show password' });
  await expect(toggles).toHaveCount(2);
  await toggles.nth(1).click();
  await expect(page.getByLabel('Confirm password')).toHaveAttribute('type', 'text');
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');

  const email = uniqueEmail('toggles');
  const password = strongPassword();
  await register(page, email, password);
  await page.goto('/settings/security');
  const passwordPanel = page.getByRole('region', { name: 'Change your password' });
  // The form opens on request.
  await expect(passwordPanel.getByLabel('Current password')).toBeHidden();
  await passwordPanel.getByText('Set a new password').click();
  await expect(passwordPanel.getByRole('button', { name: 'Show password' })).toHaveCount(2);
  // For password managers: whose password this is, in a field nobody sees.
  const username = passwordPanel.locator('input[autocomplete="username"]');
  await expect(username).toHaveValue(email);
  await expect(username).toBeHidden();

  await page.getByRole('button', { name: 'Change email address' }).click();
  const emailForm = page.getByRole('form', { name: 'Change email address' });
  await expect(emailForm.getByLabel('Password')).toHaveCount(1);
  await emailForm.getByRole('button', { name: 'Show password' }).click();
  await expect(emailForm.getByLabel('Password')).toHaveAttribute('type', 'text');
});

test('on /login, Tab goes through the sign-in first, then Forgot password?', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').focus();
  const order = [
    page.getByLabel('Password', { exact: true }),
    page.getByRole('button', { name: 'Show password' }),
    page.getByLabel('Remember me'),
    page.getByRole('button', { name: 'Sign in' }),
    page.getByRole('link', { name: 'Forgot password?' }),
    page.getByRole('link', { name: 'Create an account' }),
  ];
  for (const next of order) {
    await page.keyboard.press('Tab');
    await expect(next).toBeFocused();
  }
});

test('a server error on a field goes once the field is edited', async ({ page }) => {
  const password = strongPassword();
  await register(page, uniqueEmail('stale'), password);
  await page.goto('/settings/security');
  const panel = page.getByRole('region', { name: 'Change your password' });
  await panel.getByText('Set a new password').click();
  const current = panel.getByLabel('Current password');
  await current.fill('not-the-current-password');
  await panel.getByLabel('New password').fill(strongPassword());
  await panel.getByRole('button', { name: 'Change password' }).click();
  await expect(panel.getByRole('alert')).toHaveText('Your current password is not correct');
  await expect(current).toHaveAttribute('aria-invalid', 'true');

  await current.press('End');
  await page.keyboard.press('Backspace');
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await expect(current).not.toHaveAttribute('aria-invalid', 'true');
  await expect(current).toBeFocused();
});

test('two-factor: focus follows set-up, saved codes, cancel and disable; activity says what failed', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const password = strongPassword();
  await register(page, uniqueEmail('focus-mfa'), password);
  await page.goto('/settings/security');
  const panel = twoFactorPanel(page);

  // Set up: the password step has focus, then the QR code's heading.
  await panel.getByRole('button', { name: 'Set up authenticator app' }).click();
  const confirm = page.getByRole('form', { name: /Confirm your password/ });
  await expect(confirm.getByLabel('Password')).toBeFocused();
  await confirm.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Scan this QR code' })).toBeFocused();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeInViewport();
  const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
  const { code } = await totpCode(secret);
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify and enable' }).click();
  await expect(page.getByRole('heading', { name: 'Save your backup codes now' })).toBeFocused();
  const codes = (await page.getByTestId('backup-codes').getByRole('listitem').allTextContents()).map((c) =>
    c.trim(),
  );

  // Saved: focus goes to a message that says what changed, not to the page.
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expectFocusedStatus(
    panel,
    'Two-factor authentication was turned on: signing in now asks for a code from your app.',
  );
  await expect(page.getByText('10 backup codes left')).toBeVisible();

  // Cancel returns focus to the button that opened the form; a wrong password is recorded as
  // such (not as a wrong code), without saying which of the two was wrong.
  const regenerate = panel.getByRole('button', { name: 'Regenerate backup codes' });
  await regenerate.click();
  await expect(panel.getByLabel('Password', { exact: true })).toBeFocused();
  await panel.getByLabel('Password', { exact: true }).fill('not-my-password-at-all');
  await panel.getByLabel('Authentication code').fill(codes[0] ?? '');
  await panel.getByRole('button', { name: 'Regenerate backup codes' }).click();
  await expect(panel.getByRole('alert')).toContainText('not correct');
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await expect(regenerate).toBeFocused();

  const disable = panel.getByRole('button', { name: 'Disable two-factor authentication' });
  await disable.focus();
  await page.keyboard.press('Enter');
  await expect(panel.getByLabel('Password', { exact: true })).toBeFocused();
  await panel.getByRole('button', { name: 'Cancel' }).focus();
  await page.keyboard.press('Enter');
  await expect(disable).toBeFocused();

  // A successful disable: focus on the outcome.
  await disable.click();
  await panel.getByLabel('Password', { exact: true }).fill(password);
  await panel.getByLabel('Authentication code').fill(codes[1] ?? '');
  await panel.getByRole('button', { name: 'Disable two-factor authentication' }).click();
  await expectFocusedStatus(panel, 'Two-factor authentication was turned off.');
  await expect(page.getByText('Two-factor authentication is off')).toBeVisible();

  await page.reload();
  const activity = page.getByTestId('security-activity');
  await expect(activity).toContainText('Wrong password or code given to change a setting');
  await expect(activity).not.toContainText('Wrong second-step code');
});

test('sessions: this device first, a named button per other session, a confirmation that takes focus', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const email = uniqueEmail('sessions');
  const password = strongPassword();
  await register(page, email, password);
  const contexts = [];
  for (const userAgent of [CHROME_WINDOWS, FIREFOX_LINUX, FIREFOX_LINUX]) {
    const context = await browser.newContext({ userAgent });
    await signIn(await context.newPage(), email, password);
    contexts.push(context);
  }

  await page.goto('/settings/security');
  const sessions = page.getByTestId('sessions');
  await expect(sessions.getByRole('listitem')).toHaveCount(4);
  await expect(sessions.getByRole('listitem').first()).toContainText('This device');
  await expect(sessions.getByRole('listitem').first().getByRole('button')).toHaveCount(0);
  // Unique names: the device, and for two on the same device, when each signed in.
  await expect(sessions.getByRole('button', { name: 'Sign out Chrome on Windows', exact: true })).toHaveCount(
    1,
  );
  await expect(
    sessions.getByRole('button', { name: /^Sign out Firefox on Linux, signed in .+ UTC/ }),
  ).toHaveCount(2);
  await expect(sessions.getByRole('button', { name: 'Sign out', exact: true })).toHaveCount(0);
  // The account's own Sign out (this browser) is still the one the fixtures use.
  await expect(
    page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Sign out', exact: true }),
  ).toHaveCount(1);

  await sessions.getByRole('button', { name: 'Sign out Chrome on Windows', exact: true }).click();
  const sessionsPanel = page.getByRole('region', { name: 'Where you’re signed in' });
  await expectFocusedStatus(sessionsPanel, 'Signed out Chrome on Windows.');
  await expect(sessions.getByRole('listitem')).toHaveCount(3);
  // That browser is signed out for real.
  const chrome = contexts[0]?.pages()[0];
  await chrome?.goto('/dashboard');
  expect(chrome?.url()).toMatch(/\/login/);

  await page.getByRole('button', { name: 'Sign out all other sessions' }).click();
  await expectFocusedStatus(sessionsPanel, 'Signed out 2 other sessions.');
  await expect(sessions.getByRole('listitem')).toHaveCount(1);

  await page.reload();
  const activity = page.getByTestId('security-activity');
  await expect(activity).toContainText('Another session signed out');
  await expect(activity).toContainText('2 other sessions signed out');
  await expect(activity).not.toContainText('Other sessions signed out (');
  for (const context of contexts) await context.close();
});

test('a shown password is hidden again when its form is sent', async ({ page }) => {
  const { email } = await createUser(page, 'toggle-submit');
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('not-the-right-password');
  await page.getByRole('button', { name: 'Show password' }).click();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password');
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');
  await expect(page.getByRole('button', { name: 'Show password' })).toHaveAttribute('aria-pressed', 'false');
});
