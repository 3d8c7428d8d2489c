import { expect, test } from '@playwright/test';
import { createUser, strongPassword, uniqueEmail } from './fixtures';

test.describe('registration form', () => {
  test('explains each problem next to its field and keeps what was typed', async ({ page }) => {
    await page.goto('/register');
    const email = page.getByLabel('Email');
    await email.fill('not-an-email');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Confirm password').fill('different');
    await page.getByRole('button', { name: 'Create account' }).click();

    await expect(page.getByText('Enter a valid email address, like name@example.com')).toBeVisible();
    await expect(page.getByText('Use at least 12 characters')).toBeVisible();
    await expect(page.getByText('The passwords do not match')).toBeVisible();
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(email).toBeFocused();
    await expect(email).toHaveValue('not-an-email');
    await expect(page).toHaveURL(/\/register$/);
  });

  test('refuses a common password and one containing the email', async ({ page }) => {
    await page.goto('/register');
    await page.getByLabel('Email').fill(uniqueEmail('policy'));
    await page.getByLabel('Password', { exact: true }).fill('1qaz2wsx3edc');
    await page.getByLabel('Confirm password').fill('1qaz2wsx3edc');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toHaveText(/too common/);

    const email = uniqueEmail('localpart');
    const local = email.split('@')[0];
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(`${local}-and-more`);
    await page.getByLabel('Confirm password').fill(`${local}-and-more`);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toHaveText(/must not contain your email/);
    await expect(page).toHaveURL(/\/register$/);
  });

  test('refuses 123456789012 before sending it, with the meter’s reason next to the field', async ({
    page,
  }) => {
    await page.goto('/register');
    // The browser's verdict is the server's (lib/password-policy.security.test.ts): nothing is posted.
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.getByLabel('Email').fill(uniqueEmail('sequence'));
    const password = page.getByLabel('Password', { exact: true });
    await password.fill('123456789012');
    await page.getByLabel('Confirm password').fill('123456789012');
    await expect(page.getByText(/^Strength: (Very weak|Weak) \(a sequence\)$/)).toBeVisible();

    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toHaveText(
      'This password is a sequence, like 12345, abcde or qwerty. Choose one that is harder to guess.',
    );
    await expect(password).toHaveAttribute('aria-invalid', 'true');
    await expect(password).toBeFocused();
    await expect(page).toHaveURL(/\/register$/);
    expect(posts).toEqual([]);

    // A strong password clears the error as it is typed, and the meter agrees.
    await password.fill('Tapir-Quill-Ochre-Lantern-91');
    await page.getByLabel('Confirm password').fill('Tapir-Quill-Ochre-Lantern-91');
    await expect(page.getByText(/^Strength: (Strong|Very strong)$/)).toBeVisible();
    await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);
  });

  test('a taken email gets a clear message', async ({ page }) => {
    const { email } = await createUser(page, 'taken');
    await page.goto('/register');
    await page.getByLabel('Email').fill(email.toUpperCase());
    const password = strongPassword();
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByLabel('Confirm password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toHaveText(/already exists/);
  });

  test('works with the keyboard alone', async ({ page }) => {
    const email = uniqueEmail('keyboard');
    const password = strongPassword();
    await page.goto('/register');
    await page.getByLabel('Email').focus();
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    // Each password field is followed by its `Show password` toggle.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: 'Show password' }).first()).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Confirm password')).toBeFocused();
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/dashboard$/);
    await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();

    // Sign out from the keyboard too.
    await page.getByRole('button', { name: 'Sign out' }).focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/login/);
  });
});
