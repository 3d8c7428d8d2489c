import { type APIRequestContext, expect, test } from '@playwright/test';
import {
  apiRegister,
  apiSignIn,
  awayFromWindowEnd,
  bearer,
  fillSignIn,
  signInWithTotp,
  signOut,
} from './fixtures';
import { totpCode, wrongTotpCodes } from './totp';

/** An account with two-factor on, set up through the API (what these tests check is elsewhere). */
async function accountWithTwoFactor(request: APIRequestContext) {
  const account = await apiRegister(request, 'nudge');
  const tokens = await apiSignIn(request, account.email, account.password);
  const setup = await request.post('/api/v1/mfa/setup', {
    headers: bearer(tokens),
    data: { password: account.password },
  });
  const { manualEntryKey: secret } = await setup.json();
  const { code, step } = await totpCode(secret);
  const enabled = await request.post('/api/v1/mfa/enable', { headers: bearer(tokens), data: { code } });
  expect(enabled.status()).toBe(200);
  const { backupCodes } = await enabled.json();
  return { ...account, secret, backupCodes: backupCodes as string[], lastStep: step };
}

test('the dashboard nudges towards two-factor while it is off, and warns when backup codes run low', async ({
  page,
  request,
}) => {
  // The sign-in with a code waits for a fresh 30-second step, then seven sign-ins: more than the
  // default minute on a busy machine.
  test.setTimeout(150_000);
  const account = await apiRegister(request, 'nudge');
  await page.goto('/login');
  await fillSignIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  const nudge = page.getByRole('region', { name: 'Protect your account with two-factor authentication' });
  await expect(nudge).toBeVisible();
  await nudge.getByRole('link', { name: 'Turn on two-factor authentication' }).click();
  await expect(page).toHaveURL(/\/settings\/security$/);

  await signOut(page);
  const mfa = await accountWithTwoFactor(request);
  await signInWithTotp(page, mfa.email, mfa.password, mfa.secret, mfa.lastStep);
  await expect(page.getByRole('heading', { name: /two-factor authentication$/ })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: /backup codes? left/ })).toHaveCount(0);
  // Seven codes used elsewhere (through the API): three are left.
  for (const code of mfa.backupCodes.slice(0, 7)) {
    const challenge = await (
      await request.post('/api/v1/auth/login', { data: { email: mfa.email, password: mfa.password } })
    ).json();
    const verified = await request.post('/api/v1/auth/mfa/verify', {
      data: { challengeToken: challenge.challengeToken, code },
    });
    expect(verified.status()).toBe(200);
  }
  await page.goto('/dashboard');
  const warning = page.getByRole('region', { name: 'Only 3 backup codes left' });
  await expect(warning).toBeVisible();
  await expect(warning.getByRole('link', { name: 'Get new backup codes' })).toHaveAttribute(
    'href',
    '/settings/security',
  );
});

test('the second step says whose sign-in it is, and a lock from earlier wrong codes on arrival', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const mfa = await accountWithTwoFactor(request);
  // Ten wrong codes for the account (two challenges of five), through the API: the same lock.
  // They lock only within one fixed 15-minute window, and must be wrong (fixed digits are right
  // now and then).
  await awayFromWindowEnd();
  const [wrong = ''] = await wrongTotpCodes(mfa.secret);
  for (let round = 0; round < 2; round++) {
    const { challengeToken } = await (
      await request.post('/api/v1/auth/login', { data: { email: mfa.email, password: mfa.password } })
    ).json();
    for (let i = 0; i < 5; i++) {
      await request.post('/api/v1/auth/mfa/verify', { data: { challengeToken, code: wrong } });
    }
  }
  await page.goto('/login');
  await fillSignIn(page, mfa.email, mfa.password);
  await expect(page).toHaveURL(/\/login\/verify/);
  await expect(page.getByText(`Signing in as ${mfa.email}`)).toBeVisible();
  // Before any code is typed.
  await expect(page.getByRole('alert').filter({ hasText: 'Too many attempts' })).toBeVisible();
});
