import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accountRecoveryAction } from '@/app/(auth)/account-recovery/actions';
import { recoveryDelayMs, recoveryMailsSettled } from '@/lib/auth/account-recovery';
import { readSessionCookie } from '@/lib/auth/auth.config';
import { createSession, validateSession } from '@/lib/auth/sessions';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { listOutbox } from '@/lib/email/outbox';
import { messages } from '@/lib/messages';
import { isMfaEnabled } from '@/lib/mfa/factors';
import { ctx, uniqueEmail, uniqueIp } from '@/tests/helpers';
import { setupIntegration } from '@/tests/integration';
import { enrolledUser, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies, formOf, redirectedTo } from '@/tests/request-scope';
import { cancelRecoveryAction, completeRecoveryAction } from './actions';

vi.mock('next/headers', () => import('@/tests/request-scope'));

const outbox = tempOutbox('recovery-action');
setupIntegration();
afterEach(() => {
  vi.useRealTimers();
});

const SESSION = 'latchkey.session';
const browser = () => beginRequest({}, { 'x-latchkey-peer': uniqueIp() });

async function eligibleUser() {
  const user = await enrolledUser();
  await (await db()).update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
  return user;
}

async function linksFor(email: string) {
  await recoveryMailsSettled();
  const [mail] = (await listOutbox(outbox, 1000)).filter((m) => m.to === email);
  const token = (kind: string) =>
    mail?.text.match(new RegExp(`/account-recovery/${kind}/([A-Za-z0-9_-]{43})$`, 'm'))?.[1] ?? '';
  return { complete: token('complete'), cancel: token('cancel') };
}

describe('account recovery actions', () => {
  it('asking: the same state for an eligible address and an unknown one', async () => {
    freezeClock();
    const user = await eligibleUser();
    const timed = async (email: string) => {
      browser();
      const started = performance.now();
      const state = await accountRecoveryAction({ ok: false }, formOf({ email }));
      return { state, ms: performance.now() - started };
    };
    const unknownEmail = uniqueEmail('nobody');
    const { state: known, ms: knownMs } = await timed(user.email);
    const { state: unknown, ms: unknownMs } = await timed(unknownEmail);
    // Both wait for the same floor (the mail goes out after the reply), so neither is quicker.
    expect(Math.min(knownMs, unknownMs)).toBeGreaterThanOrEqual(395);
    expect(known).toEqual({ ok: true, values: { email: user.email } });
    expect(unknown).toEqual({ ok: true, values: { email: unknownEmail } });
    expect((await linksFor(user.email)).complete).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('completing: a new session for this browser only, and on to the set-up', async () => {
    freezeClock();
    const user = await eligibleUser();
    const old = await createSession(user.id, true, ctx(), true);
    browser();
    await accountRecoveryAction({ ok: false }, formOf({ email: user.email }));
    const { complete } = await linksFor(user.email);
    vi.setSystemTime(Date.now() + recoveryDelayMs() + 1_000);
    browser();
    const to = await redirectedTo(
      completeRecoveryAction({ ok: false }, formOf({ token: complete, password: user.password })),
    );
    expect(to).toBe('/settings/security');
    const cookie = changedCookies().find((c) => c.name === SESSION);
    const claims = await readSessionCookie(cookie?.value);
    expect(await validateSession(claims?.sessionToken ?? '')).toMatchObject({ userId: user.id });
    expect(await validateSession(old.token)).toBeNull();
    expect(await isMfaEnabled(user.id)).toBe(false);
  });

  it('completing with a wrong password: a message on the field, no cookie, nothing changed', async () => {
    freezeClock();
    const user = await eligibleUser();
    browser();
    await accountRecoveryAction({ ok: false }, formOf({ email: user.email }));
    const { complete } = await linksFor(user.email);
    vi.setSystemTime(Date.now() + recoveryDelayMs() + 1_000);
    browser();
    const state = await completeRecoveryAction(
      { ok: false },
      formOf({ token: complete, password: 'wrong wrong wrong' }),
    );
    expect(state).toEqual({ ok: false, fieldErrors: { password: messages.invalidCredentials } });
    expect(changedCookies()).toEqual([]);
    expect(await isMfaEnabled(user.id)).toBe(true);
  });

  it('cancelling: confirmed, and again the same', async () => {
    freezeClock();
    const user = await eligibleUser();
    browser();
    await accountRecoveryAction({ ok: false }, formOf({ email: user.email }));
    const { cancel } = await linksFor(user.email);
    for (let i = 0; i < 2; i++) {
      browser();
      expect(await cancelRecoveryAction({ ok: false }, formOf({ token: cancel }))).toEqual({
        ok: true,
        cancelled: true,
      });
    }
    browser();
    expect(await cancelRecoveryAction({ ok: false }, formOf({ token: 'z'.repeat(43) }))).toEqual({
      ok: false,
      error: messages.recoveryLinkInvalid,
    });
  });
});
