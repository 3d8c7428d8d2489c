import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiVerifySecondStep } from '@/lib/api/sign-in';
import { hashToken } from '@/lib/crypto/tokens';
import { db } from '@/lib/db/client';
import { accountRecoveries, users } from '@/lib/db/schema';
import { listOutbox } from '@/lib/email/outbox';
import { createChallenge } from '@/lib/mfa/challenge';
import { isMfaEnabled } from '@/lib/mfa/factors';
import { ctx, uniqueEmail, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import {
  auditRowsOfUser,
  backupCodeRows,
  codeNow,
  enrolledUser,
  factorRow,
  freezeClock,
  tablesContaining,
  wrongCode,
} from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import {
  cancelAccountRecovery,
  completeAccountRecovery,
  inspectRecoveryLink,
  recoveryDelayMs,
  recoveryMailsSettled,
  requestAccountRecovery,
} from './account-recovery';
import { confirmEmailChange } from './change-email';
import { issueEmailToken } from './email-tokens';
import { resetPassword } from './password-reset';
import { verifySecondStep } from './second-step';
import { createSession, validateSession } from './sessions';
import { stepUp } from './step-up';

const outbox = tempOutbox('recovery-sec');

setupIntegration();
// TOTP codes and fixed rate-limit windows depend on the clock: freeze it mid-window.
beforeEach(() => {
  freezeClock();
});
afterEach(() => {
  vi.useRealTimers();
});

const OK = { ok: true };
const INVALID_LINK = { ok: false, kind: 'recoveryLinkInvalid' };
const NOT_YET = { ok: false, kind: 'recoveryNotYet' };
const WRONG_PASSWORD = { ok: false, kind: 'invalidCredentials', field: 'password' };

async function verify(email: string): Promise<void> {
  await (await db()).update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.email, email));
}

/** An account recovery is for: two-factor on, address verified. */
async function eligibleUser() {
  const user = await enrolledUser();
  await verify(user.email);
  return user;
}

async function mailsTo(email: string) {
  await recoveryMailsSettled();
  return (await listOutbox(outbox, 1000)).filter((m) => m.to === email);
}

const recoveryMails = async (email: string) =>
  (await mailsTo(email)).filter((m) => m.subject.startsWith('Account recovery requested'));

/** Ask for a recovery and read both links from the newest mail. */
async function start(email: string, ip = uniqueIp()) {
  expect(await requestAccountRecovery(email, ctx(ip))).toEqual(OK);
  const [mail] = await recoveryMails(email);
  const complete = mail?.text.match(/\/account-recovery\/complete\/([A-Za-z0-9_-]{43})$/m)?.[1];
  const cancel = mail?.text.match(/\/account-recovery\/cancel\/([A-Za-z0-9_-]{43})$/m)?.[1];
  if (!mail || !complete || !cancel) throw new Error(`no recovery mail with both links for ${email}`);
  return { complete, cancel, mail };
}

const pastTheWait = () => vi.setSystemTime(Date.now() + recoveryDelayMs() + 1_000);

describe('asking for a recovery tells no one whether it started', () => {
  it('every address gets the same reply; only a verified address with two-factor on gets a mail', async () => {
    const eligible = await eligibleUser();
    const unverified = await enrolledUser();
    const noTwoFactor = await makeUser();
    await verify(noTwoFactor.email);
    const unknown = uniqueEmail('nobody');
    const replies = [];
    for (const email of [eligible.email, unverified.email, noTwoFactor.email, unknown]) {
      replies.push(await requestAccountRecovery(email, ctx()));
    }
    expect(replies).toEqual([OK, OK, OK, OK]);
    expect(await recoveryMails(eligible.email)).toHaveLength(1);
    for (const email of [unverified.email, noTwoFactor.email, unknown])
      expect(await mailsTo(email)).toEqual([]);
    // No recovery exists for the others, so nothing could ever complete for them.
    const rows = await (await db()).select().from(accountRecoveries);
    expect(rows.filter((r) => r.userId === unverified.id || r.userId === noTwoFactor.id)).toEqual([]);
  });

  it('only the eligible account’s activity shows the request; the others write a row with no account', async () => {
    const eligible = await eligibleUser();
    const unverified = await enrolledUser();
    await requestAccountRecovery(eligible.email, ctx());
    await requestAccountRecovery(unverified.email, ctx());
    const types = async (id: string) => (await auditRowsOfUser(id)).map((r) => r.type);
    expect(await types(eligible.id)).toContain('account_recovery_requested');
    expect(await types(unverified.id)).not.toContain('account_recovery_requested');
  });

  it('is limited per address (3 an hour) whatever the address, and per IP (20 an hour)', async () => {
    const eligible = await eligibleUser();
    const unknown = uniqueEmail('nobody');
    for (const email of [eligible.email, unknown]) {
      for (let i = 0; i < 3; i++) expect(await requestAccountRecovery(email, ctx())).toEqual(OK);
      expect(await requestAccountRecovery(email, ctx())).toMatchObject({ ok: false, kind: 'rate_limited' });
    }
    expect(await recoveryMails(eligible.email)).toHaveLength(3);
    const ip = uniqueIp();
    for (let i = 0; i < 20; i++) await requestAccountRecovery(uniqueEmail('spray'), ctx(ip));
    expect(await requestAccountRecovery(uniqueEmail('spray'), ctx(ip))).toMatchObject({
      kind: 'rate_limited',
    });
  });

  it('the mail says when it can complete, what completing does, and carries a Cancel recovery link', async () => {
    const user = await eligibleUser();
    const usable = new Date(Date.now() + recoveryDelayMs());
    const { mail } = await start(user.email);
    expect(mail.text).toContain(usable.toISOString().slice(0, 16).replace('T', ' '));
    expect(mail.text).toContain('turns two-factor authentication off and signs out every session');
    expect(mail.text).toMatch(/^Cancel recovery:\nhttp:\/\/localhost:\d+\/account-recovery\/cancel\//m);
    expect(mail.html).toContain('>Cancel recovery</a>');
  });

  it('its tokens are stored only as SHA-256 hashes', async () => {
    const user = await eligibleUser();
    const { complete, cancel } = await start(user.email);
    expect(await tablesContaining([complete, cancel])).toEqual([]);
    const [row] = await (await db())
      .select()
      .from(accountRecoveries)
      .where(eq(accountRecoveries.userId, user.id));
    expect(row).toMatchObject({ completeTokenHash: hashToken(complete), cancelTokenHash: hashToken(cancel) });
  });
});

describe('completing a recovery', () => {
  it('is refused before the wait ends, even with the right password, and changes nothing', async () => {
    const user = await eligibleUser();
    const { complete } = await start(user.email);
    vi.setSystemTime(Date.now() + recoveryDelayMs() - 60_000);
    expect(await inspectRecoveryLink(complete)).toMatchObject({ state: 'waiting' });
    expect(await completeAccountRecovery(complete, user.password, ctx())).toEqual(NOT_YET);
    expect(await isMfaEnabled(user.id)).toBe(true);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await completeAccountRecovery(complete, user.password, ctx())).toMatchObject(OK);
  });

  it('a wrong password is refused and counted like a failed sign-in, up to the lock', async () => {
    const user = await eligibleUser();
    const { complete } = await start(user.email);
    pastTheWait();
    for (let i = 0; i < 5; i++) {
      expect(await completeAccountRecovery(complete, 'not the password at all', ctx())).toEqual(
        WRONG_PASSWORD,
      );
    }
    const failures = (await auditRowsOfUser(user.id)).find((r) => r.type === 'sign_in_failure');
    expect(failures?.detail).toMatchObject({ count: 5 });
    // Locked: now even the right password is refused, and two-factor stays on.
    expect(await completeAccountRecovery(complete, user.password, ctx())).toMatchObject({
      ok: false,
      kind: 'rate_limited',
    });
    expect(await isMfaEnabled(user.id)).toBe(true);
  });

  it('turns two-factor off and ends every session, the intruder’s too; then the link is spent', async () => {
    const user = await eligibleUser();
    const owners = await createSession(user.id, true, ctx(), true);
    const intruders = await createSession(user.id, false, ctx(), true);
    const { complete } = await start(user.email);
    pastTheWait();
    expect(await completeAccountRecovery(complete, user.password, ctx())).toEqual({
      ok: true,
      userId: user.id,
      signedOut: 2,
    });
    expect(await factorRow(user.id)).toBeUndefined();
    expect(await backupCodeRows(user.id)).toEqual([]);
    expect(await validateSession(owners.token)).toBeNull();
    expect(await validateSession(intruders.token)).toBeNull();
    const types = (await auditRowsOfUser(user.id)).map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['mfa_disabled', 'account_recovery_completed']));
    expect((await mailsTo(user.email)).map((m) => m.subject)).toContain(
      'Your Latchkey account was recovered',
    );
    expect(await completeAccountRecovery(complete, user.password, ctx())).toEqual(INVALID_LINK);
    expect(await inspectRecoveryLink(complete)).toEqual({ state: 'invalid' });
  });

  it('two concurrent uses of one link: exactly one completes', async () => {
    const user = await eligibleUser();
    const { complete } = await start(user.email);
    pastTheWait();
    const results = await Promise.all([
      completeAccountRecovery(complete, user.password, ctx()),
      completeAccountRecovery(complete, user.password, ctx()),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([INVALID_LINK]);
  });

  it('the cancel link cannot complete, and garbage is refused', async () => {
    const user = await eligibleUser();
    const { cancel } = await start(user.email);
    pastTheWait();
    expect(await completeAccountRecovery(cancel, user.password, ctx())).toEqual(INVALID_LINK);
    for (const token of ['', 'x'.repeat(43), null, 42, 'a'.repeat(100_000)]) {
      expect(await completeAccountRecovery(token, user.password, ctx())).toEqual(INVALID_LINK);
    }
    expect(await isMfaEnabled(user.id)).toBe(true);
  });

  it('asking again disables the older link but does not restart the wait', async () => {
    const user = await eligibleUser();
    const first = await start(user.email);
    const firstUsable = Date.now() + recoveryDelayMs();
    vi.setSystemTime(Date.now() + recoveryDelayMs() / 2);
    expect(await requestAccountRecovery(user.email, ctx())).toEqual(OK);
    const [newest] = await recoveryMails(user.email);
    const second = newest?.text.match(/\/account-recovery\/complete\/([A-Za-z0-9_-]{43})$/m)?.[1];
    expect(second).toBeDefined();
    expect(second).not.toBe(first.complete);
    expect(await inspectRecoveryLink(first.complete)).toEqual({ state: 'invalid' });
    vi.setSystemTime(firstUsable + 1_000);
    expect(await inspectRecoveryLink(second)).toMatchObject({ state: 'ready' });
  });
});

describe('cancelling a recovery', () => {
  it('a change of address ends it: its links went to the old one', async () => {
    const user = await eligibleUser();
    const { complete } = await start(user.email);
    const newEmail = uniqueEmail('moved');
    const token = await issueEmailToken({ userId: user.id, purpose: 'change_email', newEmail });
    expect(await confirmEmailChange(token, ctx())).toMatchObject({ ok: true, email: newEmail });
    pastTheWait();
    expect(await inspectRecoveryLink(complete)).toEqual({ state: 'invalid' });
    expect(await completeAccountRecovery(complete, user.password, ctx())).toEqual(INVALID_LINK);
  });

  it('the cancel link ends it, once; completing is then refused', async () => {
    const user = await eligibleUser();
    const { complete, cancel } = await start(user.email);
    expect(await cancelAccountRecovery(cancel, ctx())).toEqual(OK);
    expect(await cancelAccountRecovery(cancel, ctx())).toEqual(OK);
    const cancelled = (await auditRowsOfUser(user.id)).filter((r) => r.type === 'account_recovery_cancelled');
    expect(cancelled).toHaveLength(1);
    pastTheWait();
    expect(await inspectRecoveryLink(complete)).toEqual({ state: 'invalid' });
    expect(await completeAccountRecovery(complete, user.password, ctx())).toEqual(INVALID_LINK);
    expect(await isMfaEnabled(user.id)).toBe(true);
  });

  it('the complete link cancels too (its page offers it during the wait); a completed recovery cannot be cancelled', async () => {
    const user = await eligibleUser();
    const first = await start(user.email);
    expect(await cancelAccountRecovery(first.complete, ctx())).toEqual(OK);
    pastTheWait();
    expect(await inspectRecoveryLink(first.complete)).toEqual({ state: 'invalid' });
    const second = await start(user.email);
    pastTheWait();
    expect(await completeAccountRecovery(second.complete, user.password, ctx())).toMatchObject(OK);
    expect(await cancelAccountRecovery(second.cancel, ctx())).toEqual(INVALID_LINK);
  });

  it('a garbage or unknown token cancels nothing', async () => {
    const user = await eligibleUser();
    const { complete } = await start(user.email);
    expect(await cancelAccountRecovery('y'.repeat(43), ctx())).toEqual(INVALID_LINK);
    expect(await cancelAccountRecovery(undefined, ctx())).toEqual(INVALID_LINK);
    pastTheWait();
    expect(await inspectRecoveryLink(complete)).toMatchObject({ state: 'ready' });
  });

  it('a sign-in that passes the second factor cancels it (web and API)', async () => {
    for (const finish of ['web', 'api'] as const) {
      const user = await eligibleUser();
      const { complete } = await start(user.email);
      // A wrong code proves nothing: the recovery stays.
      const failed = await createChallenge({ userId: user.id, remember: false }, ctx());
      expect(await verifySecondStep(failed, 'totp', await wrongCode(user.secret), ctx())).toMatchObject({
        ok: false,
      });
      expect(await inspectRecoveryLink(complete)).toMatchObject({ state: 'waiting' });
      const challenge = await createChallenge({ userId: user.id, remember: false }, ctx());
      const code = await codeNow(user.secret);
      const result =
        finish === 'web'
          ? await verifySecondStep(challenge, 'totp', code, ctx())
          : await apiVerifySecondStep(challenge, code, ctx());
      expect(result.ok, finish).toBe(true);
      pastTheWait();
      expect(await inspectRecoveryLink(complete), finish).toEqual({ state: 'invalid' });
      expect(await completeAccountRecovery(complete, user.password, ctx())).toEqual(INVALID_LINK);
      expect(await isMfaEnabled(user.id)).toBe(true);
      const types = (await auditRowsOfUser(user.id)).map((r) => r.type);
      expect(types).toContain('account_recovery_cancelled');
      freezeClock();
    }
  });

  it('a step-up or a password reset that passes a code cancels it too (the owner has a factor)', async () => {
    for (const how of ['step_up', 'password_reset'] as const) {
      const user = await eligibleUser();
      const { complete } = await start(user.email);
      // A wrong code proves nothing: the recovery stays.
      expect((await stepUp(user.id, user.password, await wrongCode(user.secret), ctx())).ok).toBe(false);
      expect(await inspectRecoveryLink(complete)).toMatchObject({ state: 'waiting' });
      if (how === 'step_up') {
        expect((await stepUp(user.id, user.password, user.backupCodes[0] ?? '', ctx())).ok).toBe(true);
      } else {
        const token = await issueEmailToken({ userId: user.id, purpose: 'reset_password' });
        const result = await resetPassword(
          token,
          'another-Long-passphrase-42',
          user.backupCodes[0] ?? '',
          ctx(),
        );
        expect(result.ok, how).toBe(true);
      }
      pastTheWait();
      expect(await inspectRecoveryLink(complete), how).toEqual({ state: 'invalid' });
      const cancelled = (await auditRowsOfUser(user.id)).filter(
        (r) => r.type === 'account_recovery_cancelled',
      );
      expect(
        cancelled.map((r) => r.detail),
        how,
      ).toEqual([{ by: how }]);
      freezeClock();
    }
  });
});
