import { afterEach, describe, expect, it, vi } from 'vitest';
import { findPasswordHashById } from '@/lib/db/users';
import { listOutbox } from '@/lib/email/outbox';
import { env } from '@/lib/env';
import { messages } from '@/lib/messages';
import { ctx, pinClockToMidWindow, shown, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration, userRow } from '@/tests/integration';
import { tempOutbox } from '@/tests/outbox';
import { changePassword } from './change-password';
import { issueEmailToken, peekEmailToken } from './email-tokens';
import { passwordSignIn } from './login';
import { verifyPassword } from './password';
import {
  inspectResetLink,
  requestPasswordReset,
  resetPassword as resetPasswordResult,
} from './password-reset';
import { createSession, validateSession } from './sessions';

/** Results as the person sees them (tests/helpers.ts `shown`): these assertions check the words. */
const resetPassword = async (...args: Parameters<typeof resetPasswordResult>) =>
  shown(await resetPasswordResult(...args));

const outbox = tempOutbox('reset');

setupIntegration();
afterEach(() => {
  vi.useRealTimers();
});

const NEW_PASSWORD = 'quiet harbour lantern 77';
const INVALID_LINK = { ok: false, error: messages.resetLinkInvalid };

async function mailsTo(email: string) {
  return (await listOutbox(outbox, 1000)).filter((m) => m.to === email);
}

/** The token of the newest reset link mailed to `email`. */
async function resetToken(email: string): Promise<string> {
  for (const mail of await mailsTo(email)) {
    const match = mail.text.match(/\/reset-password\/([A-Za-z0-9_-]{43})$/m);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no reset link for ${email}`);
}

async function requestLink(email: string): Promise<string> {
  expect(await requestPasswordReset(email, ctx())).toEqual({ ok: true });
  return resetToken(email);
}

async function passwordWorks(userId: string, password: string): Promise<boolean> {
  return verifyPassword(await findPasswordHashById(userId), password);
}

describe('asking for a reset link', () => {
  it('mails one link to the account, built from APP_URL, and records the request', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    expect(await requestPasswordReset(user.email, ctx(ip))).toEqual({ ok: true });

    const mails = await mailsTo(user.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toMatch(/Reset your .+ password/);
    const links = mails[0]?.text.match(/https?:\/\/\S+/g) ?? [];
    expect(links).toHaveLength(1);
    expect(new URL(links[0] ?? '').origin).toBe(new URL(env().APP_URL).origin);
    expect(links[0]).toMatch(/\/reset-password\/[A-Za-z0-9_-]{43}$/);
    expect(mails[0]?.text).toContain('1 hour');
    expect(mails[0]?.text).toContain('If you did not ask for this');

    const events = await auditRowsFromIp(ip);
    expect(events.map((e) => [e.type, e.userId])).toEqual([['password_reset_requested', user.id]]);
    // The page can show the form for this link without spending it.
    expect(await inspectResetLink(await resetToken(user.email))).toEqual({
      email: user.email,
      mfaRequired: false,
    });
  });
});

describe('resetting with the link', () => {
  it('sets the new password, ends every session, verifies the address and sends a notice', async () => {
    const user = await makeUser();
    const first = await createSession(user.id, true, ctx());
    const second = await createSession(user.id, false, ctx());
    const token = await requestLink(user.email);
    expect((await userRow(user.email))?.emailVerifiedAt).toBeNull();

    const ip = uniqueIp();
    expect(await resetPassword(token, NEW_PASSWORD, undefined, ctx(ip))).toEqual({
      ok: true,
      userId: user.id,
      signedOut: 2,
    });

    expect(await passwordWorks(user.id, user.password)).toBe(false);
    expect(await passwordWorks(user.id, NEW_PASSWORD)).toBe(true);
    expect(await validateSession(first.token)).toBeNull();
    expect(await validateSession(second.token)).toBeNull();
    expect((await userRow(user.email))?.emailVerifiedAt).toBeInstanceOf(Date);

    const events = await auditRowsFromIp(ip);
    expect(events.map((e) => [e.type, e.userId, e.detail])).toEqual([
      ['password_reset', user.id, { signedOut: 2 }],
    ]);
    const notice = (await mailsTo(user.email)).find((m) => /password was reset/.test(m.subject));
    expect(notice?.text).toContain('Every session was signed out');
  });

  it('works once', async () => {
    const user = await makeUser();
    const token = await requestLink(user.email);
    expect(await resetPassword(token, NEW_PASSWORD, undefined, ctx())).toMatchObject({ ok: true });
    expect(await resetPassword(token, 'another fine passphrase 9', undefined, ctx())).toEqual(INVALID_LINK);
    expect(await inspectResetLink(token)).toBeNull();
    expect(await passwordWorks(user.id, NEW_PASSWORD)).toBe(true);
  });

  it('lifts a sign-in lockout that guesses at the old password caused', async () => {
    // Five failures must fall in one fixed 15-minute window to lock.
    pinClockToMidWindow();
    const user = await makeUser();
    for (let i = 0; i < 5; i++) await passwordSignIn(user.email, 'a wrong guess 123', ctx());
    expect(await passwordSignIn(user.email, user.password, ctx())).toMatchObject({ kind: 'rate_limited' });
    const token = await requestLink(user.email);
    expect(await resetPassword(token, NEW_PASSWORD, undefined, ctx())).toMatchObject({ ok: true });
    expect(await passwordSignIn(user.email, NEW_PASSWORD, ctx())).toMatchObject({
      ok: true,
      userId: user.id,
    });
    // A fresh count: guessing at the new password is limited as before.
    for (let i = 0; i < 5; i++) await passwordSignIn(user.email, 'a wrong guess 123', ctx());
    expect(await passwordSignIn(user.email, NEW_PASSWORD, ctx())).toMatchObject({ kind: 'rate_limited' });
  });

  it('is refused after 1 hour', async () => {
    const user = await makeUser();
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    const token = await requestLink(user.email);
    vi.setSystemTime(Date.now() + 59 * 60_000);
    expect(await inspectResetLink(token)).not.toBeNull();
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect(await inspectResetLink(token)).toBeNull();
    expect(await resetPassword(token, NEW_PASSWORD, undefined, ctx())).toEqual(INVALID_LINK);
    expect(await passwordWorks(user.id, user.password)).toBe(true);
  });

  it('a newer request disables the older link', async () => {
    const user = await makeUser();
    const older = await requestLink(user.email);
    const newer = await requestLink(user.email);
    expect(newer).not.toBe(older);
    expect(await resetPassword(older, NEW_PASSWORD, undefined, ctx())).toEqual(INVALID_LINK);
    expect(await resetPassword(newer, NEW_PASSWORD, undefined, ctx())).toMatchObject({ ok: true });
  });

  it('a password change while signed in disables an outstanding link', async () => {
    const user = await makeUser();
    const token = await requestLink(user.email);
    const session = await createSession(user.id, false, ctx());
    const changed = await changePassword(user, user.password, 'changed while signed in 5', session.id, ctx());
    expect(changed).toMatchObject({ ok: true });
    expect(await resetPassword(token, NEW_PASSWORD, undefined, ctx())).toEqual(INVALID_LINK);
    expect(await passwordWorks(user.id, 'changed while signed in 5')).toBe(true);
  });

  it('a password the policy refuses is a field error and does not spend the link', async () => {
    const user = await makeUser();
    const token = await requestLink(user.email);
    const local = user.email.split('@')[0] ?? '';
    expect(await resetPassword(token, `my ${local} password`, undefined, ctx())).toEqual({
      ok: false,
      field: 'newPassword',
      message: 'Your password must not contain your email address',
    });
    expect(await passwordWorks(user.id, user.password)).toBe(true);
    expect(await resetPassword(token, NEW_PASSWORD, undefined, ctx())).toMatchObject({ ok: true });
  });

  it('disables a pending address change, which would otherwise need no session to take the account', async () => {
    const user = await makeUser();
    const change = await issueEmailToken({
      userId: user.id,
      purpose: 'change_email',
      newEmail: `new-${user.email}`,
    });
    const token = await requestLink(user.email);
    expect(await resetPassword(token, NEW_PASSWORD, undefined, ctx())).toMatchObject({ ok: true });
    expect(await peekEmailToken(change, 'change_email')).toBeNull();
  });
});
