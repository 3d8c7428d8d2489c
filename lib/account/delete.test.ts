import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueEmailToken } from '@/lib/auth/email-tokens';
import { passwordSignIn } from '@/lib/auth/login';
import { registerUser } from '@/lib/auth/register';
import { createSession } from '@/lib/auth/sessions';
import { listOutbox } from '@/lib/email/outbox';
import { messages } from '@/lib/messages';
import { mfaStatus } from '@/lib/mfa/factors';
import { ctx, shown, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration, usersWithEmail } from '@/tests/integration';
import { allTables, codeNow, enrolledUser, freezeClock, tablesContaining, wrongCode } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { deleteAccount as deleteAccountResult } from './delete';

/** Results as the person sees them (tests/helpers.ts `shown`): these assertions check the words. */
const deleteAccount = async (...args: Parameters<typeof deleteAccountResult>) =>
  shown(await deleteAccountResult(...args));

const outbox = tempOutbox('delete');

setupIntegration();

beforeEach(() => {
  freezeClock();
});

afterEach(() => {
  vi.useRealTimers();
});

const WRONG_PASSWORD = 'definitely not the password';

describe('delete my account', () => {
  it('removes every row of the account from every table, in one go', async () => {
    const user = await enrolledUser();
    await createSession(user.id, true, ctx(), true);
    await issueEmailToken({ userId: user.id, purpose: 'verify_email' });
    // The search finds the account where it lives before, so finding nothing after means something.
    const before = await tablesContaining([user.id, user.email]);
    expect(before.sort()).toEqual(
      ['audit_events', 'backup_codes', 'email_tokens', 'sessions', 'totp_factors', 'users'].map(
        (t) => `public.${t}`,
      ),
    );
    expect((await allTables()).length).toBeGreaterThanOrEqual(before.length);

    expect(await deleteAccount(user, user.password, await codeNow(user.secret), ctx())).toEqual({ ok: true });
    expect(await tablesContaining([user.id, user.email])).toEqual([]);
  });

  it('records account_deleted without the account or its address, and mails the address', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    expect(await deleteAccount(user, user.password, undefined, ctx(ip))).toEqual({ ok: true });

    const events = await auditRowsFromIp(ip);
    expect(events.map((e) => [e.type, e.userId, e.detail])).toEqual([['account_deleted', null, {}]]);
    expect(JSON.stringify(events)).not.toContain(user.email);

    const mail = (await listOutbox(outbox)).filter((m) => m.to === user.email);
    expect(mail.map((m) => m.subject)).toEqual(['Your Latchkey account was deleted']);
    expect(mail[0]?.text).toContain('Your account and everything in it were deleted.');
  });

  it('a wrong password is refused on the password field, and nothing is deleted', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    expect(await deleteAccount(user, WRONG_PASSWORD, undefined, ctx(ip))).toEqual({
      ok: false,
      field: 'password',
      message: messages.currentPasswordWrong,
    });
    expect(await usersWithEmail(user.email)).toHaveLength(1);
    expect((await auditRowsFromIp(ip)).map((e) => e.type)).not.toContain('account_deleted');
    expect((await listOutbox(outbox)).filter((m) => m.to === user.email)).toEqual([]);
  });

  it('with two-factor on, a code is asked for first (nothing checked), then checked with the password', async () => {
    const user = await enrolledUser();
    const ip = uniqueIp();
    expect(await deleteAccount(user, user.password, undefined, ctx(ip))).toEqual({
      ok: false,
      field: 'code',
      message: messages.codeRequired,
    });
    expect(await auditRowsFromIp(ip)).toEqual([]);
    expect(await deleteAccount(user, user.password, await wrongCode(user.secret), ctx())).toEqual({
      ok: false,
      error: messages.stepUpFailed,
    });
    // The right code with a wrong password: the same answer, which of the two is not said.
    expect(await deleteAccount(user, WRONG_PASSWORD, await codeNow(user.secret), ctx())).toEqual({
      ok: false,
      error: messages.stepUpFailed,
    });
    expect(await usersWithEmail(user.email)).toHaveLength(1);
    expect(await deleteAccount(user, user.password, await codeNow(user.secret), ctx())).toEqual({ ok: true });
    expect(await usersWithEmail(user.email)).toHaveLength(0);
  });

  it('a backup code works as the code', async () => {
    const user = await enrolledUser();
    expect(await deleteAccount(user, user.password, user.backupCodes[4], ctx())).toEqual({ ok: true });
    expect(await usersWithEmail(user.email)).toHaveLength(0);
  });

  it('the address can register again: a fresh account, without two-factor', async () => {
    const user = await enrolledUser();
    expect(await deleteAccount(user, user.password, await codeNow(user.secret), ctx())).toEqual({ ok: true });

    const newPassword = 'a whole new passphrase 77';
    const again = await registerUser(user.email, newPassword, ctx());
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.user.id).not.toBe(user.id);
    expect(await mfaStatus(again.user.id)).toEqual({ enabled: false, pending: false, backupCodesLeft: 0 });
    // The old password belongs to the deleted account only.
    expect(await passwordSignIn(user.email, user.password, ctx())).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
    expect(await passwordSignIn(user.email, newPassword, ctx())).toMatchObject({
      ok: true,
      mfaRequired: false,
    });
  });

  it('another account is untouched', async () => {
    const user = await makeUser();
    const other = await makeUser();
    await createSession(other.id, false, ctx());
    expect(await deleteAccount(user, user.password, undefined, ctx())).toEqual({ ok: true });
    expect((await tablesContaining([other.id])).sort()).toEqual([
      'public.audit_events',
      'public.sessions',
      'public.users',
    ]);
    expect(await usersWithEmail(other.email)).toHaveLength(1);
  });
});
