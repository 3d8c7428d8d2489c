import { afterEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { listOutbox } from '@/lib/email/outbox';
import { messages } from '@/lib/messages';
import { ctx, pinClockToMidWindow, shown, sleep, uniqueEmail, uniqueId } from '@/tests/helpers';
import { makeUser, setupIntegration, userRow } from '@/tests/integration';
import { codeNow, enrolledUser, freezeClock, wrongCode } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { confirmEmailChange, requestEmailChange as requestEmailChangeResult } from './change-email';
import { issueEmailToken, redeemEmailToken } from './email-tokens';
import { sendVerificationEmail, verifyEmail } from './email-verification';
import { passwordSignIn } from './login';

/** Results as the person sees them (tests/helpers.ts `shown`): these assertions check the words. */
const requestEmailChange = async (...args: Parameters<typeof requestEmailChangeResult>) =>
  shown(await requestEmailChangeResult(...args));

const outbox = tempOutbox('change-email');

setupIntegration();
afterEach(() => vi.useRealTimers());

async function mailsTo(email: string) {
  return (await listOutbox(outbox)).filter((m) => m.to === email);
}

async function tokenFrom(email: string, path = '/verify-email/'): Promise<string> {
  const [mail] = await mailsTo(email);
  const match = mail?.text.match(new RegExp(`${path}([A-Za-z0-9_-]+)`));
  if (!match?.[1]) throw new Error(`no ${path} link for ${email}`);
  return match[1];
}

describe('changing the email address', () => {
  it('changes nothing until the new address opens its link; then the old address is told', async () => {
    const user = await makeUser();
    const next = uniqueEmail('new');
    expect(await requestEmailChange(user, next, user.password, undefined, ctx())).toEqual({ ok: true });

    expect((await userRow(user.email))?.id).toBe(user.id);
    const [link] = await mailsTo(next);
    expect(link?.subject).toMatch(/Confirm your new email address/);
    expect(link?.text).toMatch(/^http:\/\/localhost:3000\/verify-email\/[A-Za-z0-9_-]{43}$/m);
    // The current address hears of the request at once (with a link to stop it).
    expect((await mailsTo(user.email)).map((m) => m.subject)).toEqual([
      'Someone asked to change the email address of your Latchkey account',
    ]);

    const result = await confirmEmailChange(await tokenFrom(next), ctx());
    expect(result).toEqual({ ok: true, email: next });
    const row = await userRow(next);
    expect(row?.id).toBe(user.id);
    expect(row?.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await userRow(user.email)).toBeUndefined();

    const [notice] = await mailsTo(user.email);
    expect(notice?.subject).toMatch(/email address of your Latchkey account was changed/);
    expect(notice?.text).toContain(next);

    // Sign-in follows the address: the new one works, the old one is just an unknown address.
    expect(await passwordSignIn(next, user.password, ctx())).toMatchObject({ ok: true, userId: user.id });
    expect(await passwordSignIn(user.email, user.password, ctx())).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
  });

  it('the link works once', async () => {
    const user = await makeUser();
    const next = uniqueEmail('new');
    await requestEmailChange(user, next, user.password, undefined, ctx());
    const token = await tokenFrom(next);
    expect((await confirmEmailChange(token, ctx())).ok).toBe(true);
    expect(await confirmEmailChange(token, ctx())).toEqual({ ok: false, kind: 'linkInvalid' });
  });

  it('the link stops working after 1 hour', async () => {
    freezeClock();
    const user = await makeUser();
    const next = uniqueEmail('new');
    await requestEmailChange(user, next, user.password, undefined, ctx());
    vi.setSystemTime(Date.now() + 60 * 60_000 + 1000);
    expect(await confirmEmailChange(await tokenFrom(next), ctx())).toEqual({
      ok: false,
      kind: 'linkInvalid',
    });
    expect((await userRow(user.email))?.id).toBe(user.id);
  });

  it('a newer request disables the older link', async () => {
    const user = await makeUser();
    const first = uniqueEmail('first');
    const second = uniqueEmail('second');
    await requestEmailChange(user, first, user.password, undefined, ctx());
    await requestEmailChange(user, second, user.password, undefined, ctx());
    expect(await confirmEmailChange(await tokenFrom(first), ctx())).toEqual({
      ok: false,
      kind: 'linkInvalid',
    });
    expect(await confirmEmailChange(await tokenFrom(second), ctx())).toEqual({ ok: true, email: second });
  });

  it('links sent to the old address stop working once the address changes', async () => {
    const user = await makeUser();
    await sendVerificationEmail(user, ctx());
    const verifyToken = await tokenFrom(user.email);
    const resetToken = await issueEmailToken({ userId: user.id, purpose: 'reset_password' });

    const next = uniqueEmail('new');
    await requestEmailChange(user, next, user.password, undefined, ctx());
    await confirmEmailChange(await tokenFrom(next), ctx());

    // The old address's verification link must not "verify" an address it never reached.
    expect(await verifyEmail(verifyToken, ctx())).toBe(false);
    expect(await redeemEmailToken(resetToken, 'reset_password')).toBeNull();
  });

  it('refuses the current address', async () => {
    const user = await makeUser();
    expect(await requestEmailChange(user, user.email, user.password, undefined, ctx())).toEqual({
      ok: false,
      field: 'newEmail',
      message: messages.emailUnchanged,
    });
    expect(await mailsTo(user.email)).toHaveLength(0);
  });

  it('asks for the password: a wrong one sends nothing, and is limited per session, not at sign-in', async () => {
    // The budget counts in fixed 15-minute windows: guesses straddling an end count in two.
    pinClockToMidWindow();
    const user = { ...(await makeUser()), sessionId: uniqueId('session') };
    const next = uniqueEmail('new');
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push(await requestEmailChange(user, next, 'not my password 1', undefined, ctx()));
    expect(answers.slice(0, 5)).toEqual(
      Array(5).fill({ ok: false, field: 'password', message: messages.currentPasswordWrong }),
    );
    expect(answers[5]).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many attempts/) });
    expect(await mailsTo(next)).toHaveLength(0);
    // An in-session re-check: public sign-in keeps its whole budget.
    expect(await passwordSignIn(user.email, user.password, ctx())).toMatchObject({ ok: true });
  });

  it('with two-factor on, asks for a code as well', async () => {
    freezeClock();
    const user = await enrolledUser();
    const next = uniqueEmail('new');
    expect(await requestEmailChange(user, next, user.password, undefined, ctx())).toEqual({
      ok: false,
      field: 'code',
      message: messages.codeRequired,
    });
    expect(await requestEmailChange(user, next, user.password, await wrongCode(user.secret), ctx())).toEqual({
      ok: false,
      error: messages.stepUpFailed,
    });
    expect(
      await requestEmailChange(user, next, 'not my password 1', await codeNow(user.secret), ctx()),
    ).toEqual({
      ok: false,
      error: messages.stepUpFailed,
    });
    expect(await mailsTo(next)).toHaveLength(0);
    expect(await requestEmailChange(user, next, user.password, await codeNow(user.secret), ctx())).toEqual({
      ok: true,
    });
    expect(await mailsTo(next)).toHaveLength(1);
  });

  it('an address that has an account gets a mail without a link, and the answer is the same', async () => {
    const user = await makeUser();
    const other = await makeUser();
    expect(await requestEmailChange(user, other.email, user.password, undefined, ctx())).toEqual({
      ok: true,
    });
    const [mail] = await mailsTo(other.email);
    expect(mail?.subject).toMatch(/already has a Latchkey account/);
    expect(mail?.text).not.toMatch(/verify-email/);
    expect((await userRow(user.email))?.id).toBe(user.id);
    expect((await userRow(other.email))?.id).toBe(other.id);
  });

  it('an address taken after the link was sent is not taken over', async () => {
    const user = await makeUser();
    const next = uniqueEmail('new');
    await requestEmailChange(user, next, user.password, undefined, ctx());
    const squatter = await makeUser(undefined, next);
    expect(await confirmEmailChange(await tokenFrom(next), ctx())).toEqual({ ok: false, kind: 'emailInUse' });
    expect((await userRow(next))?.id).toBe(squatter.id);
    expect((await userRow(user.email))?.id).toBe(user.id);
  });

  it('3 requests an hour per account', async () => {
    pinClockToMidWindow();
    const user = await makeUser();
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(await requestEmailChange(user, uniqueEmail(`n${i}`), user.password, undefined, ctx()));
    }
    expect(results.slice(0, 3)).toEqual(Array(3).fill({ ok: true }));
    expect(results[3]).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many attempts/) });
  });

  it('garbage is not a link', async () => {
    for (const bad of [undefined, '', 'x'.repeat(100_000), '../../etc/passwd', { token: 'x' }]) {
      expect(await confirmEmailChange(bad, ctx())).toEqual({ ok: false, kind: 'linkInvalid' });
    }
  });
});

describe('two accounts racing for one new address', () => {
  it('exactly one gets it', async () => {
    const a = await makeUser();
    const b = await makeUser();
    const next = uniqueEmail('contested');
    await requestEmailChange(a, next, a.password, undefined, ctx());
    const tokenA = await tokenFrom(next);
    await requestEmailChange(b, next, b.password, undefined, ctx());
    const tokenB = (await mailsTo(next))
      .map((m) => m.text.match(/\/verify-email\/([A-Za-z0-9_-]+)/)?.[1])
      .find((t) => t && t !== tokenA);
    const results = await Promise.all([confirmEmailChange(tokenA, ctx()), confirmEmailChange(tokenB, ctx())]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, kind: 'emailInUse' }]);
    const winner = await userRow(next);
    expect([a.id, b.id]).toContain(winner?.id);
  });
});

describe('a registration committing while the change is being applied', () => {
  it.skipIf(!process.env.DATABASE_URL)(
    'leaves the address with the registration (PostgreSQL only: PGlite runs one transaction at a time)',
    async () => {
      const user = await makeUser();
      const next = uniqueEmail('late');
      await requestEmailChange(user, next, user.password, undefined, ctx());
      const token = await tokenFrom(next);
      const database = await db();
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => {
        commit = resolve;
      });
      let inserted!: () => void;
      const insertDone = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      // An uncommitted registration: the change's own check cannot see it, the unique index can.
      const registration = database.transaction(async (tx) => {
        await tx.insert(users).values({ email: next, passwordHash: 'not a real hash' });
        inserted();
        await committing;
      });
      await insertDone;
      const change = confirmEmailChange(token, ctx());
      await sleep(300);
      commit();
      await registration;
      expect(await change).toEqual({ ok: false, kind: 'emailInUse' });
      expect((await userRow(user.email))?.id).toBe(user.id);
    },
  );
});
