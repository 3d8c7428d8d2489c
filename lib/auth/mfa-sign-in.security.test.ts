import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChallenge } from '@/lib/mfa/challenge';
import { disableMfa } from '@/lib/mfa/factors';
import { beginEnrollment, completeEnrollment } from '@/lib/mfa/totp-factor';
import { ctx, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration } from '@/tests/integration';
import { codeNow, enrolledUser, freezeClock } from '@/tests/mfa';
import { passwordSignIn } from './login';
import { verifySecondStep } from './second-step';
import { createSession, validateSession } from './sessions';

setupIntegration();

beforeEach(() => {
  freezeClock();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the password step with two-factor on', () => {
  it('is not a sign-in: it asks for the second factor and records only the challenge', async () => {
    const user = await enrolledUser();
    const ip = uniqueIp();
    expect(await passwordSignIn(user.email, user.password, ctx(ip))).toEqual({
      ok: true,
      userId: user.id,
      mfaRequired: true,
    });
    expect(await auditRowsFromIp(ip)).toEqual([]);
    // The challenge is recorded with it.
    const token = await createChallenge({ userId: user.id, remember: false }, ctx(ip));
    expect((await auditRowsFromIp(ip)).map((r) => r.type)).toEqual(['mfa_challenge_issued']);

    // The sign-in happens when the second step passes, and is recorded with its session.
    expect(await verifySecondStep(token, 'totp', await codeNow(user.secret), ctx(ip))).toMatchObject({
      ok: true,
    });
    const signIns = async () => (await auditRowsFromIp(ip)).filter((r) => r.type === 'sign_in_success');
    expect(await signIns()).toHaveLength(0);
    await createSession(user.id, false, ctx(ip), true, { method: 'totp' });
    expect(await signIns()).toHaveLength(1);
  });

  it('a wrong password with two-factor on is a plain failure (no hint that MFA is on)', async () => {
    const user = await enrolledUser();
    const ip = uniqueIp();
    expect(await passwordSignIn(user.email, 'definitely not the password', ctx(ip))).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
    expect((await auditRowsFromIp(ip)).map((r) => r.type)).toEqual(['sign_in_failure']);
  });

  it('a pending (unverified) set-up does not require a second factor yet', async () => {
    const user = await makeUser();
    await beginEnrollment(user.id, user.email);
    const ip = uniqueIp();
    expect(await passwordSignIn(user.email, user.password, ctx(ip))).toEqual({
      ok: true,
      userId: user.id,
      mfaRequired: false,
    });
    // Nothing is recorded yet: the sign-in is, with its session (createSession).
    expect(await auditRowsFromIp(ip)).toEqual([]);
  });

  it('after disabling, the password alone signs in again', async () => {
    const user = await enrolledUser();
    await disableMfa(user.id);
    expect(await passwordSignIn(user.email, user.password, ctx())).toMatchObject({ mfaRequired: false });
  });
});

describe('sessions of an account with two-factor on', () => {
  it('a session that did not pass the second factor is refused; one that did is valid', async () => {
    const user = await enrolledUser();
    const unverified = await createSession(user.id, false, ctx(), false);
    expect(await validateSession(unverified.token)).toBeNull();
    const verified = await createSession(user.id, true, ctx(), true);
    expect(await validateSession(verified.token)).toMatchObject({
      id: verified.id,
      userId: user.id,
      email: user.email,
      remember: true,
      mfaEnabled: true,
    });
  });

  it('a password-only session from before two-factor was enabled stops working when it is enabled', async () => {
    const user = await makeUser();
    const before = await createSession(user.id, false, ctx(), false);
    expect(await validateSession(before.token)).toMatchObject({ mfaEnabled: false });

    const { secret } = (await beginEnrollment(user.id, user.email))!;
    // Pending set-up: not on yet, the session still works.
    expect(await validateSession(before.token)).not.toBeNull();
    expect(await completeEnrollment(user.id, await codeNow(secret))).not.toBeNull();
    expect(await validateSession(before.token)).toBeNull();
  });
});
