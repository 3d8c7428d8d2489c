import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSessionCookie } from '@/lib/auth/auth.config';
import { validateSession } from '@/lib/auth/sessions';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { messages } from '@/lib/messages';
import { CHALLENGE_MAX_ATTEMPTS, createChallenge } from '@/lib/mfa/challenge';
import { ctx, uniqueIp } from '@/tests/helpers';
import { setupIntegration } from '@/tests/integration';
import { codeNow, enrolledUser, freezeClock, wrongCode } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies, formOf, redirectedTo } from '@/tests/request-scope';
import { verifyBackupAction, verifyTotpAction } from './actions';

vi.mock('next/headers', () => import('@/tests/request-scope'));

tempOutbox('verify-action');
setupIntegration();
afterEach(() => {
  vi.useRealTimers();
});

const CHALLENGE = 'latchkey.mfa';
const SESSION = 'latchkey.session';

/** A browser that passed the password step: it holds the challenge cookie. */
async function atSecondStep(remember = false) {
  const user = await enrolledUser();
  const token = await createChallenge({ userId: user.id, remember }, ctx());
  const browser = () => beginRequest({ [CHALLENGE]: token }, { 'x-latchkey-peer': uniqueIp() });
  return { user, token, browser };
}

const cleared = (name: string) => changedCookies().find((c) => c.name === name && c.value === '');

describe('the second step: each result becomes a redirect or a message', () => {
  it('the right code: a session that passed the second factor, the challenge cookie gone, on to the callback', async () => {
    freezeClock();
    const { user, browser } = await atSecondStep(true);
    browser();
    const to = await redirectedTo(
      verifyTotpAction(
        { ok: false },
        formOf({ code: await codeNow(user.secret), callbackUrl: '/settings/security' }),
      ),
    );
    expect(to).toBe('/settings/security');
    expect(cleared(CHALLENGE)).toBeTruthy();
    const session = changedCookies().find((c) => c.name === SESSION);
    const claims = await readSessionCookie(session?.value);
    expect(claims?.userId).toBe(user.id);
    expect(await validateSession(claims?.sessionToken ?? '')).toMatchObject({
      mfaEnabled: true,
      remember: true,
    });
  });

  it('an account locked since the password step: back to sign-in, which says it is locked; no session', async () => {
    freezeClock();
    const { user, browser } = await atSecondStep();
    await (await db()).update(users).set({ lockedAt: new Date() }).where(eq(users.id, user.id));
    browser();
    const to = await redirectedTo(
      verifyTotpAction(
        { ok: false },
        formOf({ code: await codeNow(user.secret), callbackUrl: '/dashboard' }),
      ),
    );
    expect(to).toBe('/login?notice=account-locked');
    expect(cleared(CHALLENGE)).toBeTruthy();
    expect(changedCookies().find((c) => c.name === SESSION)).toBeUndefined();
  });

  it('an unsafe callback falls back to the dashboard', async () => {
    freezeClock();
    const { user, browser } = await atSecondStep();
    browser();
    const to = await redirectedTo(
      verifyBackupAction(
        { ok: false },
        formOf({ backupCode: user.backupCodes[0] ?? '', callbackUrl: '//evil.example' }),
      ),
    );
    expect(to).toBe('/dashboard');
  });

  it('a wrong code: a message with the attempts left, no redirect, no session', async () => {
    freezeClock();
    const { user, browser } = await atSecondStep();
    browser();
    const state = await verifyTotpAction({ ok: false }, formOf({ code: await wrongCode(user.secret) }));
    expect(state).toEqual({
      ok: false,
      error: `${messages.invalidCode} ${CHALLENGE_MAX_ATTEMPTS - 1} attempts left before you must sign in again.`,
    });
    expect(changedCookies()).toEqual([]);
  });

  it('the last wrong code: back to the password step, saying why, the challenge cookie cleared', async () => {
    freezeClock();
    const { user, browser } = await atSecondStep();
    const wrong = await wrongCode(user.secret);
    for (let i = 1; i < CHALLENGE_MAX_ATTEMPTS; i++) {
      browser();
      await verifyTotpAction({ ok: false }, formOf({ code: wrong }));
    }
    browser();
    expect(await redirectedTo(verifyTotpAction({ ok: false }, formOf({ code: wrong })))).toBe(
      '/login?notice=mfa-exhausted',
    );
    expect(cleared(CHALLENGE)).toBeTruthy();
  });

  it('no live challenge: back to the password step as expired, the cookie cleared', async () => {
    beginRequest({ [CHALLENGE]: 'x'.repeat(43) }, { 'x-latchkey-peer': uniqueIp() });
    expect(await redirectedTo(verifyTotpAction({ ok: false }, formOf({ code: '123456' })))).toBe(
      '/login?notice=mfa-expired',
    );
    expect(cleared(CHALLENGE)).toBeTruthy();
  });
});
