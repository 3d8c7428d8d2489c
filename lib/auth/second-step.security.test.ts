import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHALLENGE_MAX_ATTEMPTS, createChallenge, readChallenge, takeAttempt } from '@/lib/mfa/challenge';
import { MfaDecryptError } from '@/lib/mfa/crypto';
import { mfaStatus } from '@/lib/mfa/factors';
import { ctx, FIFTEEN_MINUTES, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, setupIntegration } from '@/tests/integration';
import {
  advanceSteps,
  auditRowsOfUser,
  codeNow,
  type EnrolledUser,
  enrolledUser,
  factorRow,
  freezeClock,
  setStoredSecret,
  wrongCode,
} from '@/tests/mfa';
import { type SecondStepResult, verifySecondStep } from './second-step';

setupIntegration();

afterEach(() => {
  vi.useRealTimers();
});

const challengeFor = (user: { id: string }, remember = false) =>
  createChallenge({ userId: user.id, remember }, ctx());

/** One challenge spent on 5 wrong codes: 5 failures for the account. */
async function exhaustChallenge(user: EnrolledUser): Promise<SecondStepResult[]> {
  const token = await challengeFor(user);
  const results: SecondStepResult[] = [];
  for (let i = 0; i < CHALLENGE_MAX_ATTEMPTS; i++) {
    results.push(await verifySecondStep(token, 'totp', await wrongCode(user.secret), ctx()));
  }
  return results;
}

const WRONG_ANSWERS_OF_ONE_CHALLENGE = [
  { ok: false, kind: 'invalidCode', attemptsLeft: 4 },
  { ok: false, kind: 'invalidCode', attemptsLeft: 3 },
  { ok: false, kind: 'invalidCode', attemptsLeft: 2 },
  { ok: false, kind: 'invalidCode', attemptsLeft: 1 },
  { ok: false, kind: 'challengeExhausted' },
];

const failuresOf = async (userId: string) =>
  (await auditRowsOfUser(userId)).filter((r) => r.type === 'mfa_verify_failure').length;

describe('the second sign-in step', () => {
  it('the right code passes, carrying "remember me", and records the verification', async () => {
    freezeClock();
    const user = await enrolledUser();
    const ip = uniqueIp();
    const token = await challengeFor(user, true);
    expect(await verifySecondStep(token, 'totp', await codeNow(user.secret), ctx(ip))).toEqual({
      ok: true,
      userId: user.id,
      remember: true,
      backupCodesLeft: undefined,
    });
    const types = (await auditRowsFromIp(ip)).map((r) => [r.type, r.detail]);
    expect(types).toContainEqual(['mfa_verify_success', { purpose: 'sign_in', method: 'totp' }]);
    // The sign-in itself is recorded with its session record, by the caller (createSession).
    expect(types.map(([type]) => type)).not.toContain('sign_in_success');

    advanceSteps(1);
    const other = await challengeFor(user, false);
    expect(await verifySecondStep(other, 'totp', await codeNow(user.secret), ctx())).toMatchObject({
      ok: true,
      remember: false,
    });
  });

  it('a backup code passes and is spent', async () => {
    freezeClock();
    const user = await enrolledUser();
    const token = await challengeFor(user);
    expect(await verifySecondStep(token, 'backup', user.backupCodes[0]!, ctx())).toEqual({
      ok: true,
      userId: user.id,
      remember: false,
      backupCodesLeft: 9,
    });
    const again = await challengeFor(user);
    expect(await verifySecondStep(again, 'backup', user.backupCodes[0]!, ctx())).toEqual({
      ok: false,
      kind: 'invalidCode',
      attemptsLeft: 4,
    });
  });

  it('a challenge is single use: another valid code on it afterwards is refused, and not spent', async () => {
    freezeClock();
    const user = await enrolledUser();
    const token = await challengeFor(user);
    expect(await verifySecondStep(token, 'totp', await codeNow(user.secret), ctx())).toMatchObject({
      ok: true,
    });
    expect(await readChallenge(token)).toBeNull();
    expect(await verifySecondStep(token, 'backup', user.backupCodes[0]!, ctx())).toEqual({
      ok: false,
      kind: 'challengeExpired',
    });
    advanceSteps(1);
    expect(await verifySecondStep(token, 'totp', await codeNow(user.secret), ctx())).toEqual({
      ok: false,
      kind: 'challengeExpired',
    });
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 10 });
  });

  it('concurrent redemptions of one challenge with two valid codes: exactly one signs in', async () => {
    freezeClock();
    const user = await enrolledUser();
    const token = await challengeFor(user);
    const results = await Promise.all([
      verifySecondStep(token, 'totp', await codeNow(user.secret), ctx()),
      verifySecondStep(token, 'backup', user.backupCodes[0]!, ctx()),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it.each([
    ['undefined', undefined],
    ['a number', 42],
    ['too short', 'abc'],
    ['unknown, well-formed', 'A'.repeat(43)],
  ])('an invalid token (%s) is "expired", and the account is not charged', async (_, token) => {
    freezeClock();
    const user = await enrolledUser();
    for (let i = 0; i < 12; i++) {
      expect(await verifySecondStep(token, 'totp', await wrongCode(user.secret), ctx())).toEqual({
        ok: false,
        kind: 'challengeExpired',
      });
    }
    expect(await failuresOf(user.id)).toBe(0);
  });

  it('a challenge allows 5 wrong codes (4, 3, 2, 1 left, then exhausted); then even the right code is refused', async () => {
    freezeClock();
    const user = await enrolledUser();
    const token = await challengeFor(user);
    const results: SecondStepResult[] = [];
    for (let i = 0; i < 5; i++) {
      const code = i % 2 ? await wrongCode(user.secret) : 'ZZZZZ-ZZZZZ';
      results.push(await verifySecondStep(token, i % 2 ? 'totp' : 'backup', code, ctx()));
    }
    expect(results).toEqual(WRONG_ANSWERS_OF_ONE_CHALLENGE);
    expect(await readChallenge(token)).toBeNull();
    const right = await codeNow(user.secret);
    expect(await verifySecondStep(token, 'totp', right, ctx())).toEqual({
      ok: false,
      kind: 'challengeExpired',
    });
    // The refused right code was never checked, so not spent: a new challenge takes it.
    expect(await verifySecondStep(await challengeFor(user), 'totp', right, ctx())).toMatchObject({
      ok: true,
    });
  });

  it('10 concurrent wrong codes on one challenge: only 5 are checked', async () => {
    freezeClock();
    const user = await enrolledUser();
    const token = await challengeFor(user);
    const wrong = await wrongCode(user.secret);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => verifySecondStep(token, 'totp', wrong, ctx())),
    );
    expect(results.some((r) => r.ok)).toBe(false);
    expect(results.filter((r) => !r.ok && r.kind === 'invalidCode')).toHaveLength(4);
    expect(await failuresOf(user.id)).toBe(5);
  });

  it('a guess still in flight when its challenge ends is not checked (at most 5 per challenge)', async () => {
    freezeClock();
    const user = await enrolledUser();
    const token = await challengeFor(user);
    const wrong = await wrongCode(user.secret);
    for (let i = 0; i < 4; i++) await verifySecondStep(token, 'totp', wrong, ctx());

    // Request B has read the challenge but not yet taken its attempt (a slow network hop) while
    // request A uses the 5th attempt and ends the challenge.
    expect(await readChallenge(token)).not.toBeNull();
    expect(await verifySecondStep(token, 'totp', wrong, ctx())).toEqual({
      ok: false,
      kind: 'challengeExhausted',
    });
    // B's attempt finds no challenge to count against: never a fresh count ("4 left") and a check.
    // The count lives in the challenge's own row, so it cannot outlive it and start over.
    expect(await takeAttempt(token)).toBeNull();
    expect(await verifySecondStep(token, 'totp', wrong, ctx())).toEqual({
      ok: false,
      kind: 'challengeExpired',
    });
    // Five codes were checked against the account for this challenge, not six.
    expect(await failuresOf(user.id)).toBe(5);
  });
});

describe('the account-wide lock', () => {
  it('10 failures across challenges lock the second step until the 15-minute window ends, even for the right code', async () => {
    const frozenAt = freezeClock('window-start');
    const windowStart = frozenAt - 10_000;
    const user = await enrolledUser();
    expect(await exhaustChallenge(user)).toEqual(WRONG_ANSWERS_OF_ONE_CHALLENGE);
    expect(await exhaustChallenge(user)).toEqual(WRONG_ANSWERS_OF_ONE_CHALLENGE);
    const tenthFailureAt = Date.now();
    expect(tenthFailureAt - frozenAt).toBeLessThan(60_000);

    const ip = uniqueIp();
    const token = await challengeFor(user);
    // Locked for 15 minutes from the tenth failure.
    const locked = { ok: false, kind: 'rate_limited', retryAt: tenthFailureAt + FIFTEEN_MINUTES };
    expect(await verifySecondStep(token, 'totp', await codeNow(user.secret), ctx(ip))).toEqual(locked);
    expect(await verifySecondStep(token, 'backup', user.backupCodes[0]!, ctx(ip))).toEqual(locked);
    expect((await auditRowsFromIp(ip)).map((r) => r.type)).toEqual(['mfa_locked', 'mfa_locked']);

    // Still locked 14 minutes later, on a new challenge; the refusals spend none of its attempts.
    vi.setSystemTime(windowStart + 14 * 60_000 + 10_000);
    const late = await challengeFor(user);
    for (let i = 0; i < CHALLENGE_MAX_ATTEMPTS + 2; i++) {
      expect(await verifySecondStep(late, 'totp', await codeNow(user.secret), ctx())).toEqual(locked);
    }
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 10 });
    const lastUsed = (await factorRow(user.id))?.lastUsedStep;

    // Open 15 minutes after the tenth failure; that same challenge still has its attempts.
    vi.setSystemTime(tenthFailureAt + FIFTEEN_MINUTES);
    expect(await verifySecondStep(late, 'totp', await codeNow(user.secret), ctx())).toMatchObject({
      ok: true,
      userId: user.id,
    });
    expect((await factorRow(user.id))?.lastUsedStep).toBeGreaterThan(lastUsed!);
  });

  it('the lock lasts 15 minutes even when the failures come at the end of a limiter window', async () => {
    const frozenAt = freezeClock('window-start');
    // One minute before the limiter's fixed window ends.
    const lateInWindow = frozenAt - 10_000 + FIFTEEN_MINUTES - 60_000;
    vi.setSystemTime(lateInWindow);
    const user = await enrolledUser();
    await exhaustChallenge(user);
    await exhaustChallenge(user);
    const tenthFailureAt = Date.now();

    // The limiter's window has ended (it alone would let guesses through again); the lock holds.
    vi.setSystemTime(tenthFailureAt + 5 * 60_000);
    const token = await challengeFor(user);
    expect(await verifySecondStep(token, 'totp', await codeNow(user.secret), ctx())).toMatchObject({
      ok: false,
      kind: 'rate_limited',
    });
    vi.setSystemTime(tenthFailureAt + FIFTEEN_MINUTES + 1_000);
    // A new challenge: the one above (5 minutes) has expired by now.
    const later = await challengeFor(user);
    expect(await verifySecondStep(later, 'totp', await codeNow(user.secret), ctx())).toMatchObject({
      ok: true,
    });
  });

  it('the lock is per account', async () => {
    freezeClock();
    const [locked, other] = [await enrolledUser(), await enrolledUser()];
    await exhaustChallenge(locked);
    await exhaustChallenge(locked);
    const token = await challengeFor(locked);
    expect(await verifySecondStep(token, 'totp', await codeNow(locked.secret), ctx())).toMatchObject({
      kind: 'rate_limited',
    });
    expect(
      await verifySecondStep(await challengeFor(other), 'totp', await codeNow(other.secret), ctx()),
    ).toMatchObject({ ok: true });
  });

  it('successes do not count: 9 failures, 3 sign-ins, then the 10th failure is still a plain failure', async () => {
    freezeClock();
    const user = await enrolledUser();
    await exhaustChallenge(user);
    const token = await challengeFor(user);
    for (let i = 0; i < 4; i++) await verifySecondStep(token, 'totp', await wrongCode(user.secret), ctx());
    for (const code of user.backupCodes.slice(0, 3)) {
      expect(await verifySecondStep(await challengeFor(user), 'backup', code, ctx())).toMatchObject({
        ok: true,
      });
    }
    expect(await verifySecondStep(token, 'totp', await wrongCode(user.secret), ctx())).toEqual({
      ok: false,
      kind: 'challengeExhausted',
    });
    expect(
      await verifySecondStep(await challengeFor(user), 'totp', await codeNow(user.secret), ctx()),
    ).toMatchObject({ kind: 'rate_limited' });
  });
});

describe('a fault of ours is not the user’s failed attempt', () => {
  it('an undecryptable secret throws, and spends neither the challenge’s attempts nor the account’s', async () => {
    freezeClock();
    const user = await enrolledUser();
    const stored = (await factorRow(user.id))!.secretEncrypted;
    const token = await challengeFor(user);

    await setStoredSecret(user.id, 'v1.k0.not-base64!.x.y');
    // More faults than the challenge has attempts: each one throws, none is "exhausted".
    for (let i = 0; i < CHALLENGE_MAX_ATTEMPTS + 2; i++) {
      await expect(verifySecondStep(token, 'totp', await codeNow(user.secret), ctx())).rejects.toBeInstanceOf(
        MfaDecryptError,
      );
    }
    expect(await failuresOf(user.id)).toBe(0);
    await setStoredSecret(user.id, stored);

    // The challenge still has all 5 attempts...
    const results: SecondStepResult[] = [];
    for (let i = 0; i < CHALLENGE_MAX_ATTEMPTS; i++) {
      results.push(await verifySecondStep(token, 'totp', await wrongCode(user.secret), ctx()));
    }
    expect(results).toEqual(WRONG_ANSWERS_OF_ONE_CHALLENGE);
    // ...and the account all 10: 5 more failures on a new challenge, then the lock.
    expect(await exhaustChallenge(user)).toEqual(WRONG_ANSWERS_OF_ONE_CHALLENGE);
    expect(
      await verifySecondStep(await challengeFor(user), 'totp', await codeNow(user.secret), ctx()),
    ).toMatchObject({ kind: 'rate_limited' });
  });

  it('a fault on the right code does not spend the code', async () => {
    freezeClock();
    const user = await enrolledUser();
    const stored = (await factorRow(user.id))!.secretEncrypted;
    const code = await codeNow(user.secret);
    // Another (well-formed) tag: authentication fails.
    const tail = stored.endsWith('AA') ? 'BA' : 'AA';
    await setStoredSecret(user.id, `${stored.slice(0, -2)}${tail}`);
    await expect(verifySecondStep(await challengeFor(user), 'totp', code, ctx())).rejects.toThrow(
      MfaDecryptError,
    );
    await setStoredSecret(user.id, stored);
    expect(await verifySecondStep(await challengeFor(user), 'totp', code, ctx())).toMatchObject({ ok: true });
  });
});
