import { expect, test } from '@playwright/test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { apiRegister, apiSignIn, awayFromWindowEnd, bearer, signIn } from './fixtures';
import { totpCode, wrongTotpCodes } from './totp';

/**
 * /api/v1 as a program uses it, against the production build: JSON in and out, bearer tokens,
 * never cookies (Playwright's request context keeps none of the browser's here).
 */
test.describe('the API for programs', () => {
  test('the whole flow: register, sign in, turn two-factor on, the second step, refresh, reuse, sign out', async ({
    request,
  }) => {
    // A second sign-in waits for a fresh 30-second step, on top of the argon2 work: more than the
    // default minute on a busy machine.
    test.setTimeout(150_000);
    const account = await apiRegister(request);
    const first = await apiSignIn(request, account.email, account.password);
    expect(first.tokenType).toBe('Bearer');
    expect(first.expiresIn).toBe(3600);

    const me = await request.get('/api/v1/me', { headers: bearer(first) });
    expect(await me.json()).toEqual({
      id: account.id,
      email: account.email,
      emailVerified: false,
      mfaEnabled: false,
      roles: ['user'],
    });

    // Set-up asks for the password first, like the web.
    const refused = await request.post('/api/v1/mfa/setup', {
      headers: bearer(first),
      data: { password: 'not my password at all' },
    });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.code).toBe('step_up_failed');
    const setup = await request.post('/api/v1/mfa/setup', {
      headers: bearer(first),
      data: { password: account.password },
    });
    expect(setup.status()).toBe(200);
    const { otpauthUri, qrCodeDataUrl, manualEntryKey } = await setup.json();
    expect(manualEntryKey).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toContain(`secret=${manualEntryKey}`);
    expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);

    const enrolled = await totpCode(manualEntryKey);
    const enable = await request.post('/api/v1/mfa/enable', {
      headers: bearer(first),
      data: { code: enrolled.code },
    });
    expect(enable.status(), await enable.text()).toBe(200);
    const enabled = await enable.json();
    expect(enabled.backupCodes).toHaveLength(10);
    // This session continues under new tokens; the old ones are dead.
    expect((await request.get('/api/v1/me', { headers: bearer(first) })).status()).toBe(401);
    expect((await (await request.get('/api/v1/me', { headers: bearer(enabled) })).json()).mfaEnabled).toBe(
      true,
    );

    // A new sign-in needs the second step now.
    const challenge = await request.post('/api/v1/auth/login', {
      data: { email: account.email, password: account.password },
    });
    const asked = await challenge.json();
    expect(asked).toMatchObject({ mfaRequired: true, methods: ['totp', 'backup_code'] });
    expect(asked).not.toHaveProperty('accessToken');
    const [wrongCode] = await wrongTotpCodes(manualEntryKey);
    const wrong = await request.post('/api/v1/auth/mfa/verify', {
      data: { challengeToken: asked.challengeToken, code: wrongCode },
    });
    expect(wrong.status()).toBe(401);
    expect((await wrong.json()).error.code).toBe('invalid_code');
    const viaBackup = await request.post('/api/v1/auth/mfa/verify', {
      data: { challengeToken: asked.challengeToken, code: enabled.backupCodes[0] },
    });
    expect(viaBackup.status()).toBe(200);
    const second = await viaBackup.json();

    // Refresh rotates; the old refresh token used again ends the session.
    const rotated = await request.post('/api/v1/auth/token/refresh', {
      data: { refreshToken: second.refreshToken },
    });
    expect(rotated.status()).toBe(200);
    const third = await rotated.json();
    expect((await request.get('/api/v1/me', { headers: bearer(third) })).status()).toBe(200);
    const replay = await request.post('/api/v1/auth/token/refresh', {
      data: { refreshToken: second.refreshToken },
    });
    expect(replay.status()).toBe(401);
    expect((await replay.json()).error.code).toBe('refresh_token_reused');
    expect((await request.get('/api/v1/me', { headers: bearer(third) })).status()).toBe(401);

    // Turning it off asks for the password and a current code.
    const fourth = await apiSignIn(request, account.email, account.password, {
      secret: manualEntryKey,
      lastStep: enrolled.step,
    });
    const noCode = await request.post('/api/v1/mfa/disable', {
      headers: bearer(fourth),
      data: { password: account.password, code: enabled.backupCodes[0] },
    });
    expect(noCode.status()).toBe(403);
    const off = await request.post('/api/v1/mfa/disable', {
      headers: bearer(fourth),
      data: { password: account.password, code: enabled.backupCodes[1] },
    });
    expect(off.status()).toBe(204);

    expect((await request.post('/api/v1/auth/logout', { headers: bearer(fourth) })).status()).toBe(204);
    expect((await request.get('/api/v1/me', { headers: bearer(fourth) })).status()).toBe(401);
  });

  test('another service verifies an access token offline with /.well-known/jwks.json', async ({
    request,
    baseURL,
  }) => {
    const account = await apiRegister(request);
    const tokens = await apiSignIn(request, account.email, account.password);
    const jwks = await (await request.get('/.well-known/jwks.json')).json();
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const { payload, protectedHeader } = await jwtVerify(tokens.accessToken, createLocalJWKSet(jwks), {
      issuer: new URL(baseURL ?? '').origin,
      algorithms: ['ES256'],
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: account.id, amr: ['pwd'] });
    expect(payload.exp).toBe((payload.iat ?? 0) + 3600);
  });

  test('a person sees the API session on /settings/security and ends it; its token stops working', async ({
    page,
    request,
  }) => {
    const account = await apiRegister(request);
    const tokens = await apiSignIn(request, account.email, account.password);
    await signIn(page, account.email, account.password);
    await page.goto('/settings/security');
    const sessions = page.getByTestId('sessions');
    const apiSession = sessions.getByRole('listitem').filter({ hasText: 'API' });
    await expect(apiSession).toHaveCount(1);
    await apiSession.getByRole('button', { name: /Sign out/ }).click();
    await expect(sessions.getByRole('listitem').filter({ hasText: 'API' })).toHaveCount(0);
    const after = await request.get('/api/v1/me', { headers: bearer(tokens) });
    expect(after.status()).toBe(401);
    expect((await after.json()).error.code).toBe('invalid_token');
  });

  test('the web and the API share one lock: after 5 wrong passwords through the API the form refuses too', async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    const account = await apiRegister(request);
    // Five failures lock only within one fixed 15-minute window.
    await awayFromWindowEnd();
    for (let i = 0; i < 5; i++) {
      const answer = await request.post('/api/v1/auth/login', {
        data: { email: account.email, password: `wrong password number ${i}` },
      });
      expect(answer.status()).toBe(401);
    }
    const locked = await request.post('/api/v1/auth/login', {
      data: { email: account.email, password: account.password },
    });
    expect(locked.status()).toBe(429);
    expect(Number(locked.headers()['retry-after'])).toBeGreaterThan(0);
    await page.goto('/login');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Too many attempts' })).toBeVisible();
  });

  test('errors have one shape and no secrets; the document lists every operation', async ({ request }) => {
    const bad = await request.post('/api/v1/auth/login', {
      headers: { 'content-type': 'application/json' },
      data: '{"email":',
    });
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_input' } });
    const noToken = await request.get('/api/v1/me');
    expect(noToken.status()).toBe(401);
    expect(noToken.headers()['www-authenticate']).toContain('Bearer');

    const doc = await (await request.get('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/auth/mfa/verify',
      '/api/v1/auth/token/refresh',
      '/api/v1/auth/logout',
      '/api/v1/auth/logout-all',
      '/api/v1/me',
      '/api/v1/mfa/setup',
      '/api/v1/mfa/enable',
      '/api/v1/mfa/disable',
      '/api/v1/sessions',
      '/api/v1/sessions/{id}',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(
      doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(['email', 'password']);
  });

  test('CORS is off by default: a preflight from another origin gets no allowance', async ({ request }) => {
    const preflight = await request.fetch('/api/v1/auth/login', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers()['access-control-allow-origin']).toBeUndefined();
  });
});
