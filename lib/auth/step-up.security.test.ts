import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifySecondStep } from '@/lib/auth/second-step';
import { createChallenge } from '@/lib/mfa/challenge';
import { mfaStatus } from '@/lib/mfa/factors';
import { spendTotpCode } from '@/lib/mfa/totp-factor';
import { ctx, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration } from '@/tests/integration';
import { codeNow, enrolledUser, freezeClock, wrongCode } from '@/tests/mfa';
import { stepUp } from './step-up';

setupIntegration();

beforeEach(() => {
  freezeClock();
});

afterEach(() => {
  vi.useRealTimers();
});

const WRONG_PASSWORD = 'definitely not the password';
const INVALID = { ok: false, kind: 'invalidCode' };

describe('step-up: password and a current second factor', () => {
  it('a wrong password with the right code is refused, and the code is not spent', async () => {
    const user = await enrolledUser();
    const code = await codeNow(user.secret);
    const ip = uniqueIp();
    expect(await stepUp(user.id, WRONG_PASSWORD, code, ctx(ip))).toEqual(INVALID);
    expect((await auditRowsFromIp(ip)).map((r) => [r.type, r.detail])).toEqual([
      ['mfa_verify_failure', { purpose: 'step_up', method: 'totp', reason: 'password' }],
    ]);
    expect(await stepUp(user.id, user.password, code, ctx())).toEqual({ ok: true, method: 'totp' });
  });

  it('a wrong password with a backup code is refused, and the backup code is not spent', async () => {
    const user = await enrolledUser();
    expect(await stepUp(user.id, WRONG_PASSWORD, user.backupCodes[0]!, ctx())).toEqual(INVALID);
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 10 });
  });

  it('the right password with a wrong, malformed or empty code is refused', async () => {
    const user = await enrolledUser();
    for (const code of [await wrongCode(user.secret), 'ZZZZZ-ZZZZZ', '12345', '']) {
      expect(await stepUp(user.id, user.password, code, ctx())).toEqual(INVALID);
    }
  });

  it('the right password with a backup code passes and spends it', async () => {
    const user = await enrolledUser();
    const code = user.backupCodes[2]!;
    expect(await stepUp(user.id, user.password, code, ctx())).toEqual({
      ok: true,
      method: 'backup',
      backupCodesLeft: 9,
    });
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 9 });
    expect(await stepUp(user.id, user.password, code, ctx())).toEqual(INVALID);
  });

  it('an authenticator code used for step-up is spent like any other', async () => {
    const user = await enrolledUser();
    const code = await codeNow(user.secret);
    expect(await stepUp(user.id, user.password, code, ctx())).toMatchObject({ ok: true });
    expect(await stepUp(user.id, user.password, code, ctx())).toEqual(INVALID);
    expect(await spendTotpCode(user.id, code)).toBe(false);
  });

  it('an account without two-factor cannot step up with a made-up code', async () => {
    const user = await makeUser();
    expect(await stepUp(user.id, user.password, '123456', ctx())).toEqual(INVALID);
  });
});

describe('step-up failures count toward the account’s second-factor lock', () => {
  it('10 failures (wrong password or wrong code) lock step-up, even for the right password and code', async () => {
    const user = await enrolledUser();
    for (let i = 0; i < 10; i++) {
      const result =
        i % 2
          ? await stepUp(user.id, WRONG_PASSWORD, await codeNow(user.secret), ctx())
          : await stepUp(user.id, user.password, await wrongCode(user.secret), ctx());
      expect(result).toEqual(INVALID);
    }
    const ip = uniqueIp();
    expect(await stepUp(user.id, user.password, await codeNow(user.secret), ctx(ip))).toMatchObject({
      ok: false,
      kind: 'rate_limited',
    });
    expect(await stepUp(user.id, user.password, user.backupCodes[0]!, ctx(ip))).toMatchObject({
      kind: 'rate_limited',
    });
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 10 });
    expect((await auditRowsFromIp(ip)).map((r) => r.type)).toEqual(['mfa_locked', 'mfa_locked']);
  });

  it('one limit for sign-in and step-up: 5 of each lock both', async () => {
    const user = await enrolledUser();
    for (let i = 0; i < 5; i++) {
      expect(await stepUp(user.id, WRONG_PASSWORD, await codeNow(user.secret), ctx())).toEqual(INVALID);
    }
    const token = await createChallenge({ userId: user.id, remember: false }, ctx());
    for (let i = 0; i < 5; i++) {
      expect(await verifySecondStep(token, 'totp', await wrongCode(user.secret), ctx())).toMatchObject({
        ok: false,
      });
    }
    const next = await createChallenge({ userId: user.id, remember: false }, ctx());
    expect(await verifySecondStep(next, 'totp', await codeNow(user.secret), ctx())).toMatchObject({
      kind: 'rate_limited',
    });
    expect(await stepUp(user.id, user.password, await codeNow(user.secret), ctx())).toMatchObject({
      kind: 'rate_limited',
    });
  });

  it('successful step-ups do not count', async () => {
    const user = await enrolledUser();
    for (const code of user.backupCodes.slice(0, 3)) {
      expect(await stepUp(user.id, user.password, code, ctx())).toMatchObject({ ok: true });
    }
    for (let i = 0; i < 9; i++) {
      expect(await stepUp(user.id, WRONG_PASSWORD, '000000', ctx())).toEqual(INVALID);
    }
    // 9 failures so far: the tenth is still checked (and the right answer would have passed).
    expect(await stepUp(user.id, user.password, await codeNow(user.secret), ctx())).toMatchObject({
      ok: true,
    });
    expect(await stepUp(user.id, WRONG_PASSWORD, '000000', ctx())).toEqual(INVALID);
    expect(await stepUp(user.id, user.password, user.backupCodes[5]!, ctx())).toMatchObject({
      kind: 'rate_limited',
    });
  });
});
