import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { findPasswordHashById } from '@/lib/db/users';
import { appLink } from '@/lib/email/links';
import { listOutbox } from '@/lib/email/outbox';
import { messages } from '@/lib/messages';
import { mfaStatus } from '@/lib/mfa/factors';
import { ctx, shown, uniqueEmail, uniqueIp, uniqueSlash64 } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration } from '@/tests/integration';
import { advanceSteps, codeNow, enrolledUser, freezeClock, tablesContaining, wrongCode } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { issueEmailToken } from './email-tokens';
import { passwordSignIn } from './login';
import { verifyPassword } from './password';
import {
  inspectResetLink,
  requestPasswordReset,
  resetPassword as resetPasswordResult,
} from './password-reset';

/** Results as the person sees them (tests/helpers.ts `shown`): these assertions check the words. */
const resetPassword = async (...args: Parameters<typeof resetPasswordResult>) =>
  shown(await resetPasswordResult(...args));

const outbox = tempOutbox('reset-sec');

setupIntegration();
// TOTP codes and fixed rate-limit windows depend on the clock: freeze it mid-window.
beforeEach(() => {
  freezeClock();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const NEW_PASSWORD = 'quiet harbour lantern 77';
const OK = { ok: true };
const INVALID_LINK = { ok: false, error: messages.resetLinkInvalid };
const CODE_REQUIRED = { ok: false, field: 'code', message: messages.codeRequired };
const INVALID_CODE = { ok: false, field: 'code', message: messages.invalidCode };

async function mailsTo(email: string) {
  return (await listOutbox(outbox, 1000)).filter((m) => m.to === email);
}

async function requestLink(email: string): Promise<string> {
  expect(await requestPasswordReset(email, ctx())).toEqual(OK);
  for (const mail of await mailsTo(email)) {
    const match = mail.text.match(/\/reset-password\/([A-Za-z0-9_-]{43})$/m);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no reset link for ${email}`);
}

async function passwordWorks(userId: string, password: string): Promise<boolean> {
  return verifyPassword(await findPasswordHashById(userId), password);
}

/** Every later attempt to write the outbox fails, as a dead mail server would, until restored. */
function breakOutbox(): () => void {
  const aside = `${outbox}-aside`;
  renameSync(outbox, aside);
  writeFileSync(outbox, 'not a directory');
  return () => {
    rmSync(outbox);
    renameSync(aside, outbox);
  };
}

describe('asking for a link does not tell whether an account exists', () => {
  it('known and unknown addresses get the same answer and one mail each; only the account gets a link', async () => {
    const user = await makeUser();
    const unknown = uniqueEmail('nobody');
    const knownIp = uniqueIp();
    const unknownIp = uniqueIp();
    const known = await requestPasswordReset(user.email, ctx(knownIp));
    const other = await requestPasswordReset(unknown, ctx(unknownIp));
    expect(other).toEqual(known);
    expect(known).toEqual(OK);

    expect(await mailsTo(user.email)).toHaveLength(1);
    const [mail] = await mailsTo(unknown);
    expect(await mailsTo(unknown)).toHaveLength(1);
    expect(mail?.text).toContain('no account uses this address');
    expect(mail?.text).not.toMatch(/reset-password/);
    expect(mail?.html).not.toMatch(/reset-password/);
    // Its one link is to ask again: no token anywhere.
    expect(mail?.text.match(/https?:\/\/\S+/g)).toEqual([appLink('/forgot-password')]);

    // Both leave one audit row; the unknown address is stored nowhere.
    expect((await auditRowsFromIp(knownIp)).map((e) => [e.type, e.userId])).toEqual([
      ['password_reset_requested', user.id],
    ]);
    expect((await auditRowsFromIp(unknownIp)).map((e) => [e.type, e.userId, e.detail])).toEqual([
      ['password_reset_requested', null, {}],
    ]);
    expect(await tablesContaining([unknown])).toEqual([]);
  });

  it('the fourth request for one address in an hour is refused, known or not, whatever the IP', async () => {
    const user = await makeUser();
    const unknown = uniqueEmail('nobody');
    for (const email of [user.email, unknown]) {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await requestPasswordReset(email, ctx()));
      expect(results.slice(0, 3)).toEqual([OK, OK, OK]);
      expect(results[3]).toMatchObject({ ok: false, kind: 'rate_limited' });
      expect(await mailsTo(email)).toHaveLength(3);
    }
  });

  it('one IP gets 20 requests an hour across addresses', async () => {
    const ip = uniqueIp();
    const user = await makeUser();
    const addresses = [user.email, ...Array.from({ length: 20 }, () => uniqueEmail('spray'))];
    const results = [];
    for (const email of addresses) results.push(await requestPasswordReset(email, ctx(ip)));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(results[20]).toMatchObject({ ok: false, kind: 'rate_limited' });
    expect(await mailsTo(addresses[20] ?? '')).toHaveLength(0);
    // Another IP is not affected.
    expect(await requestPasswordReset(uniqueEmail('other'), ctx())).toEqual(OK);
  });

  it('IPv6 rotation: 20 requests from 20 addresses of one /64 spend the budget of the whole /64', async () => {
    const slash64 = uniqueSlash64();
    const results = [];
    for (let i = 0; i < 21; i++)
      results.push(await requestPasswordReset(uniqueEmail('spray'), ctx(slash64.address())));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(results[20]).toMatchObject({ ok: false, kind: 'rate_limited' });
  });

  it('a mail failure is the same error for known and unknown, logs no address, and gives the attempt back', async () => {
    const user = await makeUser();
    const unknown = uniqueEmail('nobody');
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const restore = breakOutbox();
    let known: unknown[];
    let other: unknown[];
    try {
      known = [];
      other = [];
      for (let i = 0; i < 3; i++) {
        known.push(await requestPasswordReset(user.email, ctx()));
        other.push(await requestPasswordReset(unknown, ctx()));
      }
    } finally {
      restore();
    }
    expect(known).toEqual(Array(3).fill({ ok: false, kind: 'mailFailed' }));
    expect(other).toEqual(known);
    expect(logged).toHaveBeenCalled();
    const log = JSON.stringify(logged.mock.calls);
    expect(log).not.toContain(user.email);
    expect(log).not.toContain(unknown);
    expect(log).not.toContain('reset-password');

    // The failed requests were not counted: three more go through.
    for (const email of [user.email, unknown]) {
      for (let i = 0; i < 3; i++) expect(await requestPasswordReset(email, ctx())).toEqual(OK);
    }
  });
});

describe('the link does not bypass two-factor authentication', () => {
  it('without a code, or with a wrong one, it is refused and the link still works', async () => {
    const user = await enrolledUser();
    const token = await requestLink(user.email);
    expect(await inspectResetLink(token)).toEqual({ email: user.email, mfaRequired: true });

    expect(await resetPassword(token, NEW_PASSWORD, undefined, ctx())).toEqual(CODE_REQUIRED);
    const ip = uniqueIp();
    expect(await resetPassword(token, NEW_PASSWORD, await wrongCode(user.secret), ctx(ip))).toEqual(
      INVALID_CODE,
    );
    expect(await resetPassword(token, NEW_PASSWORD, 'ZZZZZ-ZZZZZ', ctx(ip))).toEqual(INVALID_CODE);
    // Wrong codes count where sign-in counts them.
    expect((await auditRowsFromIp(ip)).map((e) => [e.type, e.detail.purpose])).toEqual([
      ['mfa_verify_failure', 'password_reset'],
      ['mfa_verify_failure', 'password_reset'],
    ]);
    expect(await passwordWorks(user.id, user.password)).toBe(true);
    expect(await inspectResetLink(token)).not.toBeNull();

    expect(await resetPassword(token, NEW_PASSWORD, await codeNow(user.secret), ctx())).toMatchObject(OK);
    expect(await passwordWorks(user.id, NEW_PASSWORD)).toBe(true);
    // Signing in still takes the second step.
    expect(await passwordSignIn(user.email, NEW_PASSWORD, ctx())).toMatchObject({
      ok: true,
      mfaRequired: true,
    });
  });

  it('an authenticator code used for a reset is spent: it cannot be replayed with a new link', async () => {
    const user = await enrolledUser();
    const code = await codeNow(user.secret);
    expect(await resetPassword(await requestLink(user.email), NEW_PASSWORD, code, ctx())).toMatchObject(OK);
    const again = await requestLink(user.email);
    expect(await resetPassword(again, 'second passphrase of mine', code, ctx())).toEqual(INVALID_CODE);
    advanceSteps(1);
    expect(
      await resetPassword(again, 'second passphrase of mine', await codeNow(user.secret), ctx()),
    ).toMatchObject(OK);
  });

  it('a backup code works once, and its notice is mailed', async () => {
    const user = await enrolledUser();
    const backup = user.backupCodes[0] ?? '';
    expect(await resetPassword(await requestLink(user.email), NEW_PASSWORD, backup, ctx())).toMatchObject(OK);
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 9 });
    expect((await mailsTo(user.email)).some((m) => /backup code was used/.test(m.subject))).toBe(true);

    const again = await requestLink(user.email);
    expect(await resetPassword(again, 'second passphrase of mine', backup, ctx())).toEqual(INVALID_CODE);
    expect(await passwordWorks(user.id, NEW_PASSWORD)).toBe(true);
    expect(await inspectResetLink(again)).not.toBeNull();
  });

  it('after 10 wrong codes the step is locked: "too many attempts", and the link is still not spent', async () => {
    const user = await enrolledUser();
    const token = await requestLink(user.email);
    const wrong = await wrongCode(user.secret);
    for (let i = 0; i < 10; i++) {
      expect(await resetPassword(token, NEW_PASSWORD, wrong, ctx())).toEqual(INVALID_CODE);
    }
    const locked = await resetPassword(token, NEW_PASSWORD, await codeNow(user.secret), ctx());
    expect(locked).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many attempts/) });
    expect(await passwordWorks(user.id, user.password)).toBe(true);
    expect(await inspectResetLink(token)).not.toBeNull();
  });
});

describe('the link itself', () => {
  it('of five concurrent uses exactly one succeeds, and its password is the one stored', async () => {
    const user = await makeUser();
    const token = await requestLink(user.email);
    const passwords = Array.from({ length: 5 }, (_, i) => `concurrent passphrase number ${i}`);
    const results = await Promise.all(passwords.map((p) => resetPassword(token, p, undefined, ctx())));
    const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(Array(4).fill(INVALID_LINK));
    for (const [i, p] of passwords.entries()) expect(await passwordWorks(user.id, p)).toBe(i === winners[0]);
  });

  it('garbage, and links of other purposes, are refused without touching the account', async () => {
    const user = await makeUser();
    const verify = await issueEmailToken({ userId: user.id, purpose: 'verify_email' });
    const change = await issueEmailToken({
      userId: user.id,
      purpose: 'change_email',
      newEmail: `new-${user.email}`,
    });
    const live = await requestLink(user.email);
    for (const bad of [
      undefined,
      '',
      'x'.repeat(100_000),
      '../../etc/passwd',
      `${live}x`,
      live.toUpperCase(),
      { token: live },
      verify,
      change,
    ]) {
      expect(await inspectResetLink(bad)).toBeNull();
      expect(await resetPassword(bad, NEW_PASSWORD, undefined, ctx())).toEqual(INVALID_LINK);
    }
    expect(await passwordWorks(user.id, user.password)).toBe(true);
    expect(await resetPassword(live, NEW_PASSWORD, undefined, ctx())).toMatchObject(OK);
  });
});

describe('a locked account', () => {
  const setLocked = async (userId: string, locked: boolean) =>
    (await db())
      .update(users)
      .set({ lockedAt: locked ? new Date() : null })
      .where(eq(users.id, userId));

  it('gets no link while locked (one mail all the same), and a link from before the lock sets nothing until it is lifted', async () => {
    const user = await makeUser();
    const before = await requestLink(user.email);
    await setLocked(user.id, true);

    // Asking: the same reply and one mail, which says why there is no link.
    const mailsBefore = (await mailsTo(user.email)).length;
    expect(await requestPasswordReset(user.email, ctx())).toEqual(OK);
    const mails = await mailsTo(user.email);
    expect(mails).toHaveLength(mailsBefore + 1);
    const [newest] = mails;
    expect(newest?.text).toContain('the account is locked, so no reset link was sent');
    expect(newest?.text).not.toMatch(/\/reset-password\/[A-Za-z0-9_-]{43}/);

    // The older link: refused, and not spent.
    expect(await resetPassword(before, NEW_PASSWORD, undefined, ctx())).toEqual({
      ok: false,
      error: messages.accountLocked,
    });
    expect(await passwordWorks(user.id, NEW_PASSWORD)).toBe(false);
    await setLocked(user.id, false);
    expect(await resetPassword(before, NEW_PASSWORD, undefined, ctx())).toMatchObject(OK);
    expect(await passwordWorks(user.id, NEW_PASSWORD)).toBe(true);
  });
});
