import { expect, type Page, test } from '@playwright/test';
import { grantAdmin } from './admin-cli';
import { expectAccessibleInEveryView } from './axe';
import { apiRegister, apiSignIn, bearer, enrollTotp, fillSignIn } from './fixtures';

/**
 * Two-factor required by role (MFA_REQUIRED_ROLES, default `admin`). The e2e server's grace period
 * is MFA_GRACE_DAYS=0.0004 (about 35 s, scripts/e2e-server.mjs), so these journeys wait it out.
 */
test.describe.configure({ timeout: 150_000 });

const DAY_IN_WORDS = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** Wait until the grace period's end the banner states (its <time datetime>), and a moment more. */
async function waitOutGrace(page: Page): Promise<void> {
  const until = await page.getByTestId('mfa-policy-deadline').locator('time').getAttribute('datetime');
  const wait = new Date(until ?? '').getTime() - Date.now();
  expect(wait).toBeLessThan(60_000);
  if (wait > 0) await page.waitForTimeout(wait + 1_500);
}

test('an administrator without two-factor: a banner with the date, then only the set-up until it is on', async ({
  page,
  request,
}) => {
  const { email, password } = await apiRegister(request, 'policy');
  await grantAdmin(email);

  await page.goto('/login');
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  const banner = page.getByRole('status').filter({ hasText: 'Your role requires two-factor authentication' });
  await expect(banner).toBeVisible();
  // By when, in words: the deadline's date, which is today (the grace period here is seconds
  // long; the date is read from the deadline itself, which passes midnight UTC when the grant
  // came in its last 35 seconds).
  const deadline = new Date(
    (await page.getByTestId('mfa-policy-deadline').locator('time').getAttribute('datetime')) ?? '',
  );
  expect(Math.abs(deadline.getTime() - Date.now())).toBeLessThan(60_000);
  await expect(banner).toContainText(`Set it up by ${DAY_IN_WORDS.format(deadline)}`);
  const setUpLink = banner.getByRole('link', { name: 'Set up two-factor authentication' });
  await expect(setUpLink).toHaveAttribute('href', '/settings/security#two-factor');

  // On every signed-in page, and at 390 px without sideways scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/settings/security');
  await expect(banner).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 720 });
  // During the grace period everything else still works.
  await expect(page.getByRole('heading', { name: 'Security settings' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to dashboard' })).toBeVisible();

  await waitOutGrace(page);

  // After it: the dashboard (and the admin console) land on the set-up, which offers only the
  // set-up and signing out.
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/settings\/security$/);
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/settings\/security$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up two-factor authentication');
  await expect(
    page.getByRole('main').getByRole('alert').filter({ hasText: 'the time to set it up has passed' }),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Set up authenticator app' })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Account' }).getByRole('button', { name: 'Sign out' }),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to dashboard' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Change your password' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /Delete/ })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Set it up by' })).toHaveCount(0);
  await expectAccessibleInEveryView(page, 'security settings, set-up only (past the grace period)');

  // Two-factor on: everything opens again at once.
  await enrollTotp(page, password);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Your role requires' })).toHaveCount(0);
  // And it cannot be turned off alone.
  await page.goto('/settings/security');
  await expect(
    page.getByText('Your role requires two-factor authentication, so it cannot be turned off.'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Disable two-factor authentication' })).toHaveCount(0);
});

test('through the API: 403 mfa_enrollment_required after the grace period, me still answers', async ({
  request,
}) => {
  const { email, password } = await apiRegister(request, 'policy-api');
  await grantAdmin(email);
  const granted = Date.now();
  const tokens = await apiSignIn(request, email, password);

  const during = await request.get('/api/v1/sessions', { headers: bearer(tokens) });
  expect(during.status(), await during.text()).toBe(200);

  // 0.0004 days is 34.56 s from the grant.
  await new Promise((r) => setTimeout(r, Math.max(0, granted + 35_500 - Date.now())));
  await expect(async () => {
    const after = await request.get('/api/v1/sessions', { headers: bearer(tokens) });
    expect(after.status()).toBe(403);
    const body = await after.json();
    expect(body.error.code).toBe('mfa_enrollment_required');
    expect(body.error.message).toContain('Your role requires two-factor authentication');
  }).toPass({ timeout: 10_000 });

  const me = await request.get('/api/v1/me', { headers: bearer(tokens) });
  expect(me.status()).toBe(200);
});

test('during the grace period: the banner leads to the set-up, and goes once two-factor is on', async ({
  page,
  request,
}) => {
  const { email, password } = await apiRegister(request, 'policy-grace');
  await grantAdmin(email);
  await page.goto('/login');
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  const banner = page.getByRole('status').filter({ hasText: 'Your role requires two-factor authentication' });
  await expect(banner).toBeVisible();
  // Desktop and 390 px, light and dark. (Should the grace period end meanwhile, what follows
  // holds all the same: the set-up is where the link leads either way.)
  await expectAccessibleInEveryView(page, 'dashboard with the two-factor policy banner');
  await banner.getByRole('link', { name: 'Set up two-factor authentication' }).click();
  await expect(page).toHaveURL(/\/settings\/security#two-factor$/);
  // The new backup codes stay on screen while the banner goes (the page is not remounted).
  await enrollTotp(page, password);
  await expect(banner).toHaveCount(0);
  await page.getByRole('button', { name: 'I have saved these codes' }).click();
  await expect(page.getByText('10 backup codes left')).toBeVisible();
});
