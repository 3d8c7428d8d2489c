import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { register, strongPassword, uniqueEmail } from './fixtures';

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  }
  return [];
}

test('"Download my data" saves a JSON file of the account, without secrets', async ({ page }) => {
  const email = uniqueEmail('export');
  const password = strongPassword();
  await register(page, email, password);
  await page.goto('/settings/security');

  const downloading = page.waitForEvent('download');
  await page
    .getByRole('region', { name: 'Your data' })
    .getByRole('link', { name: 'Download my data' })
    .click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^latchkey-data-\d{4}-\d{2}-\d{2}\.json$/);
  const text = await readFile(await download.path(), 'utf8');
  const data = JSON.parse(text);

  expect(data.account.email).toBe(email);
  expect(data.twoFactor).toEqual({ enabled: false, enabledAt: null, backupCodesLeft: 0 });
  expect(data.sessions).toHaveLength(1);
  expect(data.sessions[0]).toMatchObject({ current: true, revokedAt: null, remember: false });
  expect(data.securityActivity.map((e: { type: string }) => e.type)).toContain('registered');
  expect(text).not.toContain(password);
  expect(text).not.toMatch(/passwordHash|password_hash|\$argon2/);
  expect(keysOf(data).filter((k) => /hash|secret|token|cipher|^id$/i.test(k))).toEqual([]);

  await page.reload();
  await expect(page.getByTestId('security-activity').getByRole('listitem').first()).toContainText(
    'Data downloaded',
  );
});

test('the export answers a signed-out request with a redirect to sign in, never data', async ({
  request,
}) => {
  const response = await request.get('/settings/security/export', { maxRedirects: 0 });
  expect(response.status()).toBe(307);
  expect(response.headers().location).toMatch(/\/login\?callbackUrl=%2Fsettings%2Fsecurity%2Fexport$/);
});
