import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHALLENGE_MAX_ATTEMPTS, createChallenge } from '@/lib/mfa/challenge';
import { decryptSecret, MfaDecryptError } from '@/lib/mfa/crypto';
import { isMfaEnabled } from '@/lib/mfa/factors';
import { beginEnrollment, completeEnrollment, spendTotpCode } from '@/lib/mfa/totp-factor';
import { ctx } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { encryptV1 } from '@/tests/legacy-secret';
import {
  advanceSteps,
  auditRowsOfUser,
  codeNow,
  enrolledUser,
  factorRow,
  freezeClock,
  setStoredSecret,
  wrongCode,
} from '@/tests/mfa';
import { verifySecondStep } from './second-step';

/**
 * The attack: someone who can write to the database (but does not hold MFA_ENCRYPTION_KEY)
 * copies the encrypted TOTP secret of an account they control onto another account's row, then
 * passes that account's second step with their own authenticator. Secrets are now bound to
 * their user (AES-GCM additional data, format v2), so the copy does not decrypt there.
 */

setupIntegration();

afterEach(() => {
  vi.useRealTimers();
});

const challengeFor = (user: { id: string }) => createChallenge({ userId: user.id, remember: false }, ctx());
const failuresOf = async (userId: string) =>
  (await auditRowsOfUser(userId)).filter((r) => r.type === 'mfa_verify_failure').length;

describe("a TOTP secret copied onto another user's row", () => {
  it("does not let the copier's codes pass, and is a fault of ours that spends no attempt", async () => {
    freezeClock();
    const attacker = await enrolledUser();
    const victim = await enrolledUser();
    const victimStored = (await factorRow(victim.id))!.secretEncrypted;
    const token = await challengeFor(victim);

    await setStoredSecret(victim.id, (await factorRow(attacker.id))!.secretEncrypted);
    // More tries than a challenge allows: each one throws (the action shows a server error),
    // none counts as a wrong code.
    for (let i = 0; i < CHALLENGE_MAX_ATTEMPTS + 2; i++) {
      await expect(
        verifySecondStep(token, 'totp', await codeNow(attacker.secret), ctx()),
      ).rejects.toBeInstanceOf(MfaDecryptError);
    }
    await expect(spendTotpCode(victim.id, await codeNow(attacker.secret))).rejects.toThrow(MfaDecryptError);
    expect(await failuresOf(victim.id)).toBe(0);

    // Put back, the victim's own secret works on the very same challenge: nothing was spent.
    await setStoredSecret(victim.id, victimStored);
    expect(await verifySecondStep(token, 'totp', await codeNow(victim.secret), ctx())).toMatchObject({
      ok: true,
      userId: victim.id,
    });
    // The attacker's own row was never touched.
    expect(
      await verifySecondStep(await challengeFor(attacker), 'totp', await codeNow(attacker.secret), ctx()),
    ).toMatchObject({ ok: true, userId: attacker.id });
  });

  it('does not enable two-factor on a pending set-up either', async () => {
    freezeClock();
    const attacker = await enrolledUser();
    const victim = await makeUser();
    await beginEnrollment(victim.id, victim.email);
    await setStoredSecret(victim.id, (await factorRow(attacker.id))!.secretEncrypted);
    await expect(completeEnrollment(victim.id, await codeNow(attacker.secret))).rejects.toThrow(
      MfaDecryptError,
    );
    expect(await isMfaEnabled(victim.id)).toBe(false);
  });
});

describe('a secret stored before user binding (v1)', () => {
  it('still works, and is stored bound to its user (v2) from its first use on', async () => {
    freezeClock();
    const user = await enrolledUser();
    const legacy = encryptV1(user.secret);
    await setStoredSecret(user.id, legacy);

    expect(
      await verifySecondStep(await challengeFor(user), 'totp', await codeNow(user.secret), ctx()),
    ).toMatchObject({ ok: true });
    const upgraded = (await factorRow(user.id))!.secretEncrypted;
    expect(upgraded.startsWith('v2.')).toBe(true);
    expect(decryptSecret(upgraded, user.id)).toBe(user.secret);
    expect(() => decryptSecret(upgraded, crypto.randomUUID())).toThrow(MfaDecryptError);

    advanceSteps(1);
    expect(
      await verifySecondStep(await challengeFor(user), 'totp', await codeNow(user.secret), ctx()),
    ).toMatchObject({ ok: true });
    expect((await factorRow(user.id))!.secretEncrypted).toBe(upgraded);
  });

  it('is upgraded by a wrong code too (the read, not the code, re-encrypts), which still counts as wrong', async () => {
    freezeClock();
    const user = await enrolledUser();
    await setStoredSecret(user.id, encryptV1(user.secret));
    const result = await verifySecondStep(
      await challengeFor(user),
      'totp',
      await wrongCode(user.secret),
      ctx(),
    );
    expect(result).toMatchObject({ ok: false, kind: 'invalidCode' });
    expect((await factorRow(user.id))!.secretEncrypted.startsWith('v2.')).toBe(true);
  });

  it('as a pending set-up, still completes: the switch-on compares against the upgraded row', async () => {
    freezeClock();
    const user = await makeUser();
    const enrollment = (await beginEnrollment(user.id, user.email))!;
    await setStoredSecret(user.id, encryptV1(enrollment.secret));
    expect(await completeEnrollment(user.id, await codeNow(enrollment.secret))).toHaveLength(10);
    expect(await isMfaEnabled(user.id)).toBe(true);
    expect((await factorRow(user.id))!.secretEncrypted.startsWith('v2.')).toBe(true);
  });
});
