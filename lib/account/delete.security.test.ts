import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { passwordSignIn } from '@/lib/auth/login';
import { verifySecondStep } from '@/lib/auth/second-step';
import { startSession } from '@/lib/auth/session-cookie';
import { createSession, validateSession } from '@/lib/auth/sessions';
import { listOutbox } from '@/lib/email/outbox';
import { messages } from '@/lib/messages';
import { createChallenge } from '@/lib/mfa/challenge';
import { ctx, shown, uniqueEmail, uniqueId, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration, usersWithEmail } from '@/tests/integration';
import { codeNow, enrolledUser, freezeClock, tablesContaining, wrongCode } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies } from '@/tests/request-scope';
import { deleteAccount as deleteAccountResult } from './delete';

/** Results as the person sees them (tests/helpers.ts `shown`): these assertions check the words. */
const deleteAccount = async (...args: Parameters<typeof deleteAccountResult>) =>
  shown(await deleteAccountResult(...args));

// startSession sets its cookie through next/headers: a simulated request scope stands in.
vi.mock('next/headers', () => import('@/tests/request-scope'));

const outbox = tempOutbox('delete-sec');

setupIntegration();

beforeEach(() => {
  // Mid-window: the attempt limits below must not straddle a 15-minute boundary.
  freezeClock();
});

afterEach(() => {
  vi.useRealTimers();
});

const WRONG_PASSWORD = 'definitely not the password';
const TOO_MANY = /^Too many attempts\. Try again in \d+ minutes?\.$/;

describe('deleting an account: who can', () => {
  it('wrong passwords are limited per session: the sixth try is refused, even right; sign-in is untouched', async () => {
    const user = { ...(await makeUser()), sessionId: uniqueId('stolen-session') };
    for (let i = 0; i < 5; i++) {
      expect(await deleteAccount(user, WRONG_PASSWORD, undefined, ctx())).toMatchObject({
        field: 'password',
      });
    }
    const refused = await deleteAccount(user, user.password, undefined, ctx());
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(TOO_MANY) });
    expect(await usersWithEmail(user.email)).toHaveLength(1);
    // In-session re-checks have their own budget: a stolen session cannot lock the owner out.
    expect(await passwordSignIn(user.email, user.password, ctx())).toMatchObject({ ok: true });
  });

  it('with two-factor on, the password alone is not enough, and wrong codes lock the step', async () => {
    const user = await enrolledUser();
    expect(await deleteAccount(user, user.password, undefined, ctx())).toMatchObject({ field: 'code' });
    for (let i = 0; i < 10; i++) {
      expect(await deleteAccount(user, user.password, await wrongCode(user.secret), ctx())).toEqual({
        ok: false,
        error: messages.stepUpFailed,
      });
    }
    const refused = await deleteAccount(user, user.password, await codeNow(user.secret), ctx());
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(TOO_MANY) });
    expect(await usersWithEmail(user.email)).toHaveLength(1);
  });

  it('of two deletions at once, one deletes and reports; the other finds nothing to delete', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    const results = await Promise.all([
      deleteAccount(user, user.password, undefined, ctx(ip)),
      deleteAccount(user, user.password, undefined, ctx(ip)),
    ]);
    expect(results).toContainEqual({ ok: true });
    // The other finds the account gone: at the delete (session ended), or already at the password
    // check when the first one committed before it looked (then, like any unknown account, the
    // password is not correct). Which one depends on timing; nothing is deleted twice either way.
    const loser = results.find((r) => !r.ok);
    expect([
      { ok: false, error: messages.sessionEnded },
      { ok: false, field: 'password', message: messages.currentPasswordWrong },
    ]).toContainEqual(loser);
    expect((await auditRowsFromIp(ip)).map((e) => e.type)).toEqual(['account_deleted']);
    expect((await listOutbox(outbox)).filter((m) => m.to === user.email)).toHaveLength(1);
  });
});

describe('after deletion, nothing of the account works', () => {
  it('every session of the account is refused at once', async () => {
    const user = await makeUser();
    const here = await createSession(user.id, false, ctx());
    const phone = await createSession(user.id, true, ctx());
    expect(await validateSession(here.token)).not.toBeNull();
    expect(await validateSession(phone.token)).not.toBeNull();
    expect(await deleteAccount(user, user.password, undefined, ctx())).toEqual({ ok: true });
    expect(await validateSession(here.token)).toBeNull();
    expect(await validateSession(phone.token)).toBeNull();
  });

  it('signing in with the old credentials gets the answer an unknown address gets', async () => {
    const user = await makeUser();
    expect(await deleteAccount(user, user.password, undefined, ctx())).toEqual({ ok: true });
    const ip = uniqueIp();
    const deleted = await passwordSignIn(user.email, user.password, ctx(ip));
    expect(deleted).toEqual({ ok: false, kind: 'invalidCredentials' });
    expect(await passwordSignIn(uniqueEmail(), user.password, ctx())).toEqual(deleted);
    expect((await auditRowsFromIp(ip)).map((e) => [e.type, e.userId, e.detail])).toEqual([
      ['sign_in_failure', null, { reason: 'unknown_email' }],
    ]);
  });

  it('a sign-in already past the password step cannot finish, nor bring the account back', async () => {
    const user = await enrolledUser();
    // The state a second browser holds between the password step and the code.
    const challenge = await createChallenge({ userId: user.id, remember: true }, ctx());
    expect(await deleteAccount(user, user.password, user.backupCodes[0], ctx())).toEqual({ ok: true });

    // The challenge went with the account (with its codes): back to the password step, which
    // knows no such account; not an error page.
    for (const [method, code] of [
      ['totp', await codeNow(user.secret)],
      ['backup', user.backupCodes[1] ?? ''],
    ] as const) {
      expect(await verifySecondStep(challenge, method, code, ctx())).toMatchObject({
        ok: false,
        kind: 'challengeExpired',
      });
    }
    // A sign-in that passed every check just before the deletion and starts its session just
    // after: there is no account for the session to belong to, so no record and no cookie.
    beginRequest();
    await expect(startSession(user.id, true, ctx(), true)).rejects.toThrow();
    expect(changedCookies()).toEqual([]);
    await expect(createSession(user.id, true, ctx(), true)).rejects.toThrow();
    expect(await tablesContaining([user.id, user.email])).toEqual([]);
  });
});
