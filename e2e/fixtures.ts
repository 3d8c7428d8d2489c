import { randomBytes, randomUUID } from 'node:crypto';
import { expect, type Page } from '@playwright/test';

/** Reusable steps for QA scripts: locators are the contract's accessible names only. */
export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID().slice(0, 12)}@example.test`;
}

/** Long, random, never on a common-password list. */
export function strongPassword(): string {
  return `Lk-${randomBytes(12).toString('base64url')}-passphrase`;
}

export async function register(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
}

export async function fillSignIn(
  page: Page,
  email: string,
  password: string,
  remember = false,
): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  if (remember) await page.getByLabel('Remember me').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signIn(page: Page, email: string, password: string, remember = false): Promise<void> {
  await page.goto('/login');
  await fillSignIn(page, email, password, remember);
  await expect(page).toHaveURL(/\/dashboard$/);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** A registered user, signed out again: the starting point of most sign-in tests. */
export async function createUser(page: Page, tag = 'user'): Promise<{ email: string; password: string }> {
  const email = uniqueEmail(tag);
  const password = strongPassword();
  await register(page, email, password);
  await signOut(page);
  return { email, password };
}
