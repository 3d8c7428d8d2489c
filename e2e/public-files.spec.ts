import { expect, test } from '@playwright/test';
import { linkFromMail, register, strongPassword, uniqueEmail } from './fixtures';

test('serves the favicon, app icons, manifest and robots.txt', async ({ request, page }) => {
  const favicon = await request.get('/favicon.ico');
  expect(favicon.status()).toBe(200);
  // An ICO file: reserved 0, type 1 (icon), then the image count.
  const ico = await favicon.body();
  expect([...ico.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  expect(ico.readUInt16LE(4)).toBeGreaterThan(0);

  const manifest = await request.get('/manifest.webmanifest');
  expect(manifest.status()).toBe(200);
  expect(manifest.headers()['content-type']).toContain('application/manifest+json');
  const { name, icons } = (await manifest.json()) as { name: string; icons: { src: string; type: string }[] };
  expect(name).toBeTruthy();
  for (const icon of icons) {
    const response = await request.get(icon.src);
    expect(response.status(), icon.src).toBe(200);
    expect(response.headers()['content-type'], icon.src).toContain(icon.type);
  }
  expect((await request.get('/apple-touch-icon.png')).headers()['content-type']).toContain('image/png');

  const robots = await request.get('/robots.txt');
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toMatch(/^Disallow: \/settings$/m);

  // The page itself points browsers at the icons and the manifest.
  await page.goto('/');
  await expect(page.locator('link[rel="icon"][href^="/favicon.ico"]')).toHaveCount(1);
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
});

test('security.txt tells researchers where to report, per RFC 9116', async ({ request, baseURL }) => {
  const response = await request.get('/.well-known/security.txt');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('text/plain');
  const text = await response.text();
  expect(text).toMatch(/^Contact: (mailto:\S+@\S+|https:\/\/\S+)$/m);
  const expires = /^Expires: (\S+)$/m.exec(text)?.[1] ?? '';
  expect(Date.parse(expires)).toBeGreaterThan(Date.now());
  expect(text).toContain(`Canonical: ${new URL(baseURL ?? '').origin}/.well-known/security.txt`);
});

test('links in mail point at the port this server listens on', async ({ page, baseURL }) => {
  test.skip(Boolean(process.env.BASE_URL), 'reads mail from the local outbox');
  // The e2e server runs with PORT set and APP_URL unset, as `PORT=3302 npm start` would.
  const email = uniqueEmail('port');
  await register(page, email, strongPassword());
  const link = await linkFromMail(page, email, '/verify-email/');
  expect(new URL(link).origin).toBe(new URL(baseURL ?? '').origin);
  await page.goto(link);
  await expect(page.getByRole('button', { name: 'Verify email address' })).toBeVisible();
});
