import { expect, test } from '@playwright/test';
import {
  awayFromWindowEnd,
  createUser,
  fillSignIn,
  register,
  signIn,
  signOut,
  strongPassword,
  uniqueEmail,
} from './fixtures';

test('register, sign out, and sign in again through callbackUrl', async ({ page }) => {
  const email = uniqueEmail('journey');
  const password = strongPassword();
  await register(page, email, password);
  await expect(page.getByRole('link', { name: 'Security settings' })).toBeVisible();
  await signOut(page);

  await page.goto('/settings/security');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings%2Fsecurity$/);
  await fillSignIn(page, email, password);
  await expect(page).toHaveURL(/\/settings\/security$/);
  await expect(page.getByText(email)).toBeVisible();
});

test('bad credentials get one message, whether or not the account exists', async ({ page }) => {
  const { email } = await createUser(page, 'badcreds');
  await page.goto('/login');

  await fillSignIn(page, email, 'not-the-right-password');
  const alert = page.getByRole('main').getByRole('alert');
  await expect(alert).toHaveText('Invalid email or password');
  // Nothing typed is lost on an error.
  await expect(page.getByLabel('Email')).toHaveValue(email);

  await fillSignIn(page, uniqueEmail('nobody'), 'not-the-right-password');
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password');
  await expect(page).toHaveURL(/\/login/);
});

test('five failed sign-ins lock the account, even for the right password', async ({ page }) => {
  test.setTimeout(180_000);
  const { email, password } = await createUser(page, 'lockout');
  await awayFromWindowEnd();
  await page.goto('/login');
  for (let i = 0; i < 5; i++) {
    await fillSignIn(page, email, `wrong-password-${i}`);
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('Invalid email or password');
  }
  await fillSignIn(page, email, password);
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Too many attempts');
  await expect(page.getByRole('main').getByRole('alert')).toContainText(/Try again in \d+ minutes?/);
  await expect(page).toHaveURL(/\/login/);
});

test('signed-out requests to protected pages are redirected with 307', async ({ request }) => {
  for (const path of ['/dashboard', '/settings/security']) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    expect(response.headers().location).toMatch(
      new RegExp(`/login\\?callbackUrl=${encodeURIComponent(path).replace(/%/g, '%')}$`),
    );
  }
});

test('signed-in visits to /login and /register go to the dashboard', async ({ page }) => {
  const email = uniqueEmail('signedin');
  await register(page, email, strongPassword());
  await page.goto('/login');
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/register');
  await expect(page).toHaveURL(/\/dashboard$/);
});

test('a session cookie copied before sign-out is refused after it', async ({ page, browser }) => {
  const { email, password } = await createUser(page, 'copied');
  await signIn(page, email, password);
  const copied = await page.context().cookies();
  expect(copied.some((c) => c.name === 'latchkey.session')).toBe(true);
  await signOut(page);

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  const stolen = await thief.newPage();
  await stolen.goto('/dashboard');
  await expect(stolen).toHaveURL(/\/login\?/);
  await expect(stolen.getByText('Your session has ended')).toBeVisible();
  await expect(stolen.getByText(`Signed in as ${email}`)).toHaveCount(0);
  await thief.close();
});

test('callbackUrl pointing elsewhere is ignored after sign-in', async ({ page }) => {
  const { email, password } = await createUser(page, 'redirect');
  for (const evil of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
    await page.goto(`/login?callbackUrl=${encodeURIComponent(evil)}`);
    await fillSignIn(page, email, password);
    await expect(page).toHaveURL(/^http:\/\/localhost:\d+\/dashboard$|\/dashboard$/);
    expect(new URL(page.url()).hostname).not.toContain('evil');
    await signOut(page);
  }
});

test('the session cookie is HttpOnly and SameSite=Lax; Remember me keeps it for 30 days', async ({
  page,
}) => {
  const { email, password } = await createUser(page, 'remember');
  await signIn(page, email, password, false);
  let cookie = (await page.context().cookies()).find((c) => c.name === 'latchkey.session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
  expect(cookie?.expires).toBe(-1); // ends with the browser
  await signOut(page);

  await signIn(page, email, password, true);
  cookie = (await page.context().cookies()).find((c) => c.name === 'latchkey.session');
  const days = ((cookie?.expires ?? 0) * 1000 - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(29);
  expect(days).toBeLessThanOrEqual(30.01);
});

test('a client-sent X-Forwarded-For does not change the recorded IP', async ({ browser }) => {
  const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '203.0.113.77' } });
  const page = await context.newPage();
  await register(page, uniqueEmail('xff'), strongPassword());
  await page.goto('/settings/security');
  const ip = page.getByTestId('current-session-ip');
  await expect(ip).toHaveText(/^(127\.0\.0\.1|::1)$/);
  await context.close();
});

test('no Auth.js route is mounted: nothing under /api/auth can read, extend or keep a cookie alive', async ({
  request,
}) => {
  for (const path of ['/api/auth/session', '/api/auth/csrf', '/api/auth/providers']) {
    expect((await request.get(path)).status(), path).toBe(404);
  }
  expect((await request.post('/api/auth/signout')).status()).toBe(404);
  expect((await request.post('/api/auth/callback/credentials')).status()).toBe(404);
});

test('a path that does not percent-decode gets 400 from our server, not a 500 from Next', async ({
  request,
}) => {
  for (const path of ['/undo/%', '/reset-password/%E0%A4%A', '/verify-email/%FF']) {
    expect((await request.get(path)).status(), path).toBe(400);
  }
  expect((await request.get('/login')).status()).toBe(200);
});
