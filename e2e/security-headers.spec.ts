import { expect, type Page, test } from '@playwright/test';
import { enrollTotp, fillSignIn, register, strongPassword, uniqueEmail } from './fixtures';

/**
 * Headers that blunt an injection or framing attack: a Content-Security-Policy whose nonce is new
 * on every response (middleware.ts), so an injected <script> cannot run, and the fixed ones from
 * next.config.ts. The pages must still work under it: Next's scripts carry the nonce.
 */

function sources(policy: string, directive: string): string[] {
  const found = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([name]) => name === directive);
  return found?.slice(1) ?? [];
}

function scriptNonce(policy: string): string {
  const nonce = sources(policy, 'script-src')
    .map((s) => /^'nonce-([^']+)'$/.exec(s)?.[1])
    .find(Boolean);
  expect(nonce, policy).toBeTruthy();
  return nonce ?? '';
}

/** Every CSP violation the browser reports while the test runs, from its console. */
function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) seen.push(message.text());
  });
  // Chrome logs most violations itself; the DOM event catches any it reports only there.
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return seen;
}

test('each page response has its own CSP nonce, on every script, and no unsafe-inline for scripts', async ({
  request,
  baseURL,
}) => {
  const [first, second] = [await request.get('/login'), await request.get('/login')];
  const policy = first.headers()['content-security-policy'] ?? '';
  const nonce = scriptNonce(policy);
  expect(scriptNonce(second.headers()['content-security-policy'] ?? '')).not.toBe(nonce);

  const scriptSrc = sources(policy, 'script-src');
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(sources(policy, 'object-src')).toEqual(["'none'"]);
  expect(sources(policy, 'base-uri')).toEqual(["'none'"]);
  expect(sources(policy, 'frame-ancestors')).toEqual(["'none'"]);
  expect(sources(policy, 'form-action')).toEqual(["'self'"]);

  const scripts = [...(await first.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

  const headers = first.headers();
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(headers['permissions-policy']).toBe('camera=(), microphone=(), geolocation=()');
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  // Over https only (the app's URL decides; locally, and here, it is http).
  expect(headers['strict-transport-security']).toBe(
    baseURL?.startsWith('https:') ? 'max-age=63072000; includeSubDomains' : undefined,
  );
});

test('the login page hydrates and its form works with no CSP violation', async ({ page }) => {
  const violations = cspViolations(page);
  const response = await page.goto('/login');
  const nonce = scriptNonce((await response?.allHeaders())?.['content-security-policy'] ?? '');
  // Browsers hide the nonce attribute once parsed; the property still tells.
  const nonces = await page
    .locator('script')
    .evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
  expect(nonces.length).toBeGreaterThan(0);
  expect(new Set(nonces)).toEqual(new Set([nonce]));

  // Hydrated: React has taken the form over (its fiber is on the element).
  await expect
    .poll(() =>
      page.locator('form').evaluate((form) => Object.keys(form).some((k) => k.startsWith('__react'))),
    )
    .toBe(true);
  // So the action is called by script (a fetch), not by a page load, and its answer is shown.
  const action = page.waitForRequest((r) => r.method() === 'POST' && Boolean(r.headers()['next-action']));
  await fillSignIn(page, uniqueEmail('csp'), 'not-the-right-password');
  expect((await action).resourceType()).toBe('fetch');
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password');
  expect(violations).toEqual([]);
});

test('every kind of page works under the policy: no CSP violation from register to the outbox', async ({
  page,
}) => {
  const violations = cspViolations(page);
  await page.goto('/');
  await page.goto('/forgot-password');
  await expect(page.getByRole('button', { name: 'Send reset link' })).toBeVisible();
  // Register (the strength meter is script), the dashboard, settings, and the QR code (data: image).
  const password = strongPassword();
  await register(page, uniqueEmail('csp-pages'), password);
  await enrollTotp(page, password);
  await page.reload();
  await page.goto('/settings/security');
  await expect(page.getByText('Two-factor authentication is on')).toBeVisible();
  if (!process.env.BASE_URL) {
    // Its style attributes are allowed (style-src-attr), its scripts carry the nonce.
    await page.goto('/dev/outbox');
    await expect(page.getByTestId('outbox')).toBeVisible();
  }
  expect(violations).toEqual([]);
});
