import { expect, type Page, test } from '@playwright/test';
import { apiRegister, enrollTotp, fillSignIn } from './fixtures';

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

/** Signed in (through the form), on /settings/security, past set-up's password step: the key is shown. */
async function showNewKey(page: Page, account: { email: string; password: string }) {
  await page.goto('/login');
  await fillSignIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/settings/security');
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  await page
    .getByRole('form', { name: /Confirm your password/ })
    .getByLabel('Password', { exact: true })
    .fill(account.password);
  await page.getByRole('button', { name: 'Continue' }).click();
}

test.describe('set-up on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('offers the otpauth link, says what manual entry needs, and can be cancelled', async ({
    page,
    request,
  }) => {
    const account = await apiRegister(request, 'phone');
    await showNewKey(page, account);
    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    const open = page.getByRole('link', { name: 'Open in authenticator app' });
    await expect(open).toBeVisible();
    const href = (await open.getAttribute('href')) ?? '';
    expect(href).toMatch(/^otpauth:\/\/totp\//);
    expect(href).toContain(`secret=${secret}`);
    expect(decodeURIComponent(href)).toContain(account.email);
    const details = page.getByLabel('Details for typing the key in');
    await expect(details).toContainText(account.email);
    await expect(details).toContainText('Time-based (TOTP)');

    await page.getByRole('button', { name: 'Cancel set-up' }).click();
    await expect(page.getByTestId('totp-secret')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Set up authenticator app' })).toBeFocused();
    await expect(page.getByText('Two-factor authentication is off')).toBeVisible();
  });

  test('a wide screen does not offer the link (the app is on another device)', async ({ page, request }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const account = await apiRegister(request, 'wide');
    await showNewKey(page, account);
    await expect(page.getByTestId('totp-secret')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Open in authenticator app' })).toBeHidden();
  });
});

test('new backup codes say whose they are and from when, download under a telling name, and leaving asks first', async ({
  page,
  request,
}) => {
  const account = await apiRegister(request, 'codes');
  await page.goto('/login');
  await fillSignIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await enrollTotp(page, account.password);
  const today = new Date();
  const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  await expect(page.getByText(`Latchkey backup codes for ${account.email}, made ${date}.`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Print codes' })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download codes' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`latchkey-backup-codes-${account.email}-${date}.txt`);
  const text = await (await download.createReadStream()).toArray();
  const body = Buffer.concat(text as Buffer[]).toString('utf8');
  expect(body).toContain(`Latchkey backup codes for ${account.email}`);
  expect(body).toContain(`Made ${date}`);

  // Closing the tab while the codes are on screen asks first.
  const asked = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const dialog = await asked;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.accept();
});

test('activity: times in the reader’s terms, refusals marked with what to do, and Show more', async ({
  page,
  request,
}) => {
  const account = await apiRegister(request, 'activity');
  // 21 sign-ins through the API and one wrong password: more than the first page holds.
  for (let i = 0; i < 21; i++) {
    const answer = await request.post('/api/v1/auth/login', {
      data: { email: account.email, password: account.password },
    });
    expect(answer.status()).toBe(200);
  }
  await request.post('/api/v1/auth/login', {
    data: { email: account.email, password: 'not the right password' },
  });
  await page.goto('/login');
  await fillSignIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/settings/security');
  const activity = page.getByTestId('security-activity');
  await expect(activity.getByRole('listitem')).toHaveCount(20);
  await expect(activity.locator('time').first()).toHaveText(/ago|now/);
  const refused = activity.getByRole('listitem').filter({ hasText: 'Failed sign-in attempt' });
  await expect(refused).toContainText('Refused');
  await expect(
    refused.getByRole('link', { name: /Wasn’t you\? Turn on two-factor authentication/ }),
  ).toHaveAttribute('href', '#mfa-title');
  await page.getByRole('link', { name: 'Show more' }).click();
  await expect(page).toHaveURL(/activity=40/);
  // Everything now: at least the 22 sign-ins (21 through the API, this one) and the refusal.
  await expect(async () =>
    expect(await activity.getByRole('listitem').count()).toBeGreaterThanOrEqual(23),
  ).toPass();
  await expect(page.getByRole('link', { name: 'Show more' })).toHaveCount(0);
});
