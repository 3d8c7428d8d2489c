import { expect, test } from '@playwright/test';

/**
 * The e2e server runs on embedded defaults (no SMTP_URL), so mail goes to the outbox and
 * /dev/outbox is open to this machine. A non-loopback peer getting 404 is covered by the unit
 * tests of isLoopback / isLocalRequest (lib/http/loopback.test.ts): a test cannot choose its
 * own socket address. Against a deployed app (BASE_URL) the page is meant to be absent.
 */
test.skip(Boolean(process.env.BASE_URL), 'the outbox exists only on a local server');

test('the outbox page answers this machine with the outbox list', async ({ request }) => {
  const response = await request.get('/dev/outbox');
  expect(response.status()).toBe(200);
  const html = await response.text();
  expect(html).toContain('data-testid="outbox"');
  expect(html).toContain('<h1 id="outbox-title">Outbox</h1>');
});

test('the outbox page shows a list with an accessible heading', async ({ page }) => {
  await page.goto('/dev/outbox');
  await expect(page.getByRole('heading', { level: 1, name: 'Outbox' })).toBeVisible();
  await expect(page.getByTestId('outbox')).toBeAttached();
  await expect(page.getByRole('list', { name: 'Messages, newest first' })).toBeAttached();
});
