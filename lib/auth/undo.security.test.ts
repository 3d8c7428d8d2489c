import { afterEach, describe, expect, it, vi } from 'vitest';
import { listOutbox } from '@/lib/email/outbox';
import { mfaStatus } from '@/lib/mfa/factors';
import { ctx, uniqueEmail, uniqueIp } from '@/tests/helpers';
import { makeUser, sessionRow, setupIntegration, userRow } from '@/tests/integration';
import { enrolledUser, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, formOf } from '@/tests/request-scope';
import { confirmEmailChange, requestEmailChange } from './change-email';
import { redeemEmailToken } from './email-tokens';
import { passwordSignIn } from './login';
import { createSession, validateSession } from './sessions';
import { issueUndoLink, undoChange } from './undo';

vi.mock('next/headers', () => import('@/tests/request-scope'));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

const outbox = tempOutbox('undo');
setupIntegration();
afterEach(() => vi.useRealTimers());

async function mailsTo(email: string) {
  return (await listOutbox(outbox)).filter((m) => m.to === email);
}

/** The token of the newest link to `path` in mail to `email` whose subject matches. */
async function linkToken(email: string, subject: RegExp, path: string): Promise<string> {
  const mail = (await mailsTo(email)).find((m) => subject.test(m.subject));
  const match = mail?.text.match(new RegExp(`${path}([A-Za-z0-9_-]+)`));
  if (!match?.[1]) throw new Error(`no ${path} link in "${subject}" mail to ${email}`);
  return match[1];
}

const tokenOf = (url: string | undefined) => url?.split('/undo/')[1] ?? '';

describe("a stolen session turns two-factor on: the owner's mailbox undoes it", () => {
  it('the two-factor-on notice carries a "This wasn\'t me" link, sent by the enable flow itself', async () => {
    freezeClock();
    const { startSession } = await import('./session-cookie');
    const { beginEnrollment } = await import('@/lib/mfa/totp-factor');
    const { enableAction } = await import('@/app/(app)/settings/security/actions');
    const { codeNow } = await import('@/tests/mfa');
    const user = await makeUser();
    beginRequest();
    await startSession(user.id, false, ctx());
    const { changedCookies } = await import('@/tests/request-scope');
    const cookie = changedCookies()[0]?.value ?? '';
    const enrollment = await beginEnrollment(user.id, user.email);
    beginRequest({ 'latchkey.session': cookie }, { 'x-latchkey-peer': uniqueIp() });
    const state = await enableAction(
      { ok: false },
      formOf({ code: await codeNow(enrollment?.secret ?? '') }),
    );
    expect(state.ok).toBe(true);

    const [mail] = await mailsTo(user.email);
    expect(mail?.subject).toMatch(/Two-factor authentication is on/);
    expect(mail?.text).toContain("This wasn't me:");
    const token = await linkToken(user.email, /Two-factor authentication is on/, '/undo/');
    expect(await undoChange(token, ctx())).toMatchObject({ ok: true, kind: 'mfa_enabled' });
    expect(await mfaStatus(user.id)).toMatchObject({ enabled: false, pending: false });
  });

  it('undoing turns the factor off, ends every session, works once, and signs no one in', async () => {
    const user = await enrolledUser();
    const owner = await createSession(user.id, true, ctx());
    const intruder = await createSession(user.id, true, ctx(), true);
    const token = tokenOf(await issueUndoLink(user.id, { kind: 'mfa_enabled' }));

    const result = await undoChange(token, ctx());
    expect(result).toMatchObject({ ok: true, kind: 'mfa_enabled', signedOut: 2 });
    expect(await mfaStatus(user.id)).toEqual({ enabled: false, pending: false, backupCodesLeft: 0 });
    expect((await sessionRow(owner.id))?.revokedAt).toBeInstanceOf(Date);
    expect((await sessionRow(intruder.id))?.revokedAt).toBeInstanceOf(Date);
    // Once only; and the mailbox alone never becomes a way in: the password is still needed.
    expect(await undoChange(token, ctx())).toEqual({ ok: false, kind: 'undoLinkInvalid' });
    expect(await passwordSignIn(user.email, user.password, ctx())).toMatchObject({
      ok: true,
      mfaRequired: false,
    });
  });

  it('an undo link is no reset, verification or address link, and expires after 24 hours', async () => {
    const user = await enrolledUser();
    const token = tokenOf(await issueUndoLink(user.id, { kind: 'mfa_enabled' }));
    for (const purpose of ['reset_password', 'verify_email', 'change_email'] as const) {
      expect(await redeemEmailToken(token, purpose)).toBeNull();
    }
    vi.useFakeTimers({ now: Date.now() + 24 * 60 * 60 * 1000 + 1000, toFake: ['Date'] });
    expect(await undoChange(token, ctx())).toEqual({ ok: false, kind: 'undoLinkInvalid' });
    expect((await mfaStatus(user.id)).enabled).toBe(true);
  });
});

describe('a stolen session asks to move the account: the old address hears at once and can stop it', () => {
  it('the old address is told when the change is asked for, with a link that cancels it', async () => {
    const user = await makeUser();
    const next = uniqueEmail('intruder');
    expect(await requestEmailChange(user, next, user.password, undefined, ctx())).toEqual({ ok: true });
    const [told] = await mailsTo(user.email);
    expect(told?.subject).toMatch(/asked to change the email address/);
    expect(told?.text).toContain(next);

    const undo = await linkToken(user.email, /asked to change the email address/, '/undo/');
    expect(await undoChange(undo, ctx())).toMatchObject({ ok: true, kind: 'email_change' });
    // The confirmation link the intruder got no longer works.
    const confirm = await linkToken(next, /Confirm your new email address/, '/verify-email/');
    expect(await confirmEmailChange(confirm, ctx())).toEqual({ ok: false, kind: 'linkInvalid' });
    expect((await userRow(user.email))?.email).toBe(user.email);
  });

  it('after the change went through, the link moves the account back to the old address and ends every session', async () => {
    const user = await makeUser();
    const next = uniqueEmail('intruder');
    await requestEmailChange(user, next, user.password, undefined, ctx());
    const undo = await linkToken(user.email, /asked to change the email address/, '/undo/');
    const intruder = await createSession(user.id, true, ctx());
    const confirm = await linkToken(next, /Confirm your new email address/, '/verify-email/');
    expect(await confirmEmailChange(confirm, ctx())).toEqual({ ok: true, email: next });

    // Meanwhile the intruder, now holding the address, asked for a reset link there.
    const { requestPasswordReset, resetPassword } = await import('./password-reset');
    expect(await requestPasswordReset(next, ctx())).toEqual({ ok: true });
    const reset = await linkToken(next, /Reset your/, '/reset-password/');

    expect(await undoChange(undo, ctx())).toMatchObject({ ok: true, kind: 'email_change' });
    // That link died with the undo: the account cannot be taken straight back.
    expect(await resetPassword(reset, 'an intruders new passphrase 42', undefined, ctx())).toMatchObject({
      ok: false,
      kind: 'resetLinkInvalid',
    });
    const row = await userRow(user.email);
    expect(row?.id).toBe(user.id);
    expect(row?.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await validateSession(intruder.token)).toBeNull();
    expect(await passwordSignIn(next, user.password, ctx())).toMatchObject({
      ok: false,
      kind: 'invalidCredentials',
    });
  });
});
