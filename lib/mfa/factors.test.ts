import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeUser, setupIntegration } from '@/tests/integration';
import {
  advanceSteps,
  BACKUP_CODE_FORMAT,
  backupCodeRows,
  cleanEnrollment,
  codeAt,
  codeNow,
  enrolledUser,
  factorRow,
  freezeClock,
  nowStep,
  wrongCode,
} from '@/tests/mfa';
import { spendBackupCode } from './backup-code-factor';
import { decryptSecret } from './crypto';
import { disableMfa, guessMethod, isMfaEnabled, mfaStatus } from './factors';
import { beginEnrollment, completeEnrollment, spendTotpCode } from './totp-factor';

/**
 * A gate in front of backup-code hashing (the slow part of completeEnrollment, between checking
 * the code and switching two-factor on), so a test can act in that gap. Open unless `hold` is set.
 */
const hashGate = vi.hoisted(() => ({ hold: null as Promise<void> | null, reached: false }));
vi.mock('./backup-codes', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./backup-codes')>();
  return {
    ...actual,
    hashBackupCode: async (code: string) => {
      if (hashGate.hold) {
        hashGate.reached = true;
        await hashGate.hold;
      }
      return actual.hashBackupCode(code);
    },
  };
});

setupIntegration();

beforeEach(() => {
  freezeClock();
});

afterEach(() => {
  vi.useRealTimers();
});

const OFF = { enabled: false, pending: false, backupCodesLeft: 0 };

describe('enrollment', () => {
  it('stays pending until a code verifies: not enabled, and its codes do not sign in', async () => {
    const user = await makeUser();
    expect(await mfaStatus(user.id)).toEqual(OFF);

    const enrollment = await beginEnrollment(user.id, user.email);
    expect(enrollment?.secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits of base32
    expect(await mfaStatus(user.id)).toEqual({ enabled: false, pending: true, backupCodesLeft: 0 });
    expect(await isMfaEnabled(user.id)).toBe(false);
    expect((await factorRow(user.id))?.enabledAt).toBeNull();
    // A pending secret is not a second factor yet: its valid code is no sign-in code.
    expect(await spendTotpCode(user.id, await codeNow(enrollment!.secret))).toBe(false);
  });

  it('a wrong or malformed code does not enable it', async () => {
    const user = await makeUser();
    const { secret } = (await beginEnrollment(user.id, user.email))!;
    for (const code of [await wrongCode(secret), '', 'abcdef', '12345', '1234567']) {
      expect(await completeEnrollment(user.id, code)).toBeNull();
    }
    expect(await isMfaEnabled(user.id)).toBe(false);
    expect(await mfaStatus(user.id)).toMatchObject({ enabled: false, pending: true });
    expect(await backupCodeRows(user.id)).toHaveLength(0);
  });

  it('the right code enables it and returns 10 distinct backup codes in XXXXX-XXXXX form', async () => {
    const user = await makeUser();
    const { secret } = (await beginEnrollment(user.id, user.email))!;
    const codes = await completeEnrollment(user.id, await codeNow(secret));
    expect(codes).toHaveLength(10);
    for (const code of codes!) expect(code).toMatch(BACKUP_CODE_FORMAT);
    expect(new Set(codes).size).toBe(10);
    expect(await isMfaEnabled(user.id)).toBe(true);
    expect(await mfaStatus(user.id)).toEqual({ enabled: true, pending: false, backupCodesLeft: 10 });
    expect(await backupCodeRows(user.id)).toHaveLength(10);
    expect((await factorRow(user.id))?.enabledAt).toBeInstanceOf(Date);
  });

  it('accepts the code as people type it ("123 456", "123-456")', async () => {
    const user = await makeUser();
    const { secret } = (await beginEnrollment(user.id, user.email))!;
    const code = await codeNow(secret);
    expect(await completeEnrollment(user.id, ` ${code.slice(0, 3)} ${code.slice(3)} `)).toHaveLength(10);
  });

  it('starting again replaces the pending secret: the old secret’s code no longer enables', async () => {
    const user = await makeUser();
    const first = (await beginEnrollment(user.id, user.email))!;
    const oldCode = await codeNow(first.secret);
    // A second secret whose codes now are not the old code (which one new secret in about 300,000
    // would show, making the test moot): start again until that holds.
    const newCodesOf = (secret: string) => Promise.all([-1, 0, 1].map((d) => codeAt(secret, nowStep() + d)));
    let second = (await beginEnrollment(user.id, user.email))!;
    while ((await newCodesOf(second.secret)).includes(oldCode)) {
      second = (await beginEnrollment(user.id, user.email))!;
    }
    expect(second.secret).not.toBe(first.secret);

    expect(await completeEnrollment(user.id, oldCode)).toBeNull();
    expect(await isMfaEnabled(user.id)).toBe(false);
    // One row, holding the second secret.
    expect(decryptSecret((await factorRow(user.id))!.secretEncrypted, user.id)).toBe(second.secret);

    expect(await completeEnrollment(user.id, await codeNow(second.secret))).toHaveLength(10);
    expect(await isMfaEnabled(user.id)).toBe(true);
  });

  it('a set-up restarted while the old code is being checked is not enabled by that code', async () => {
    const user = await makeUser();
    const first = (await beginEnrollment(user.id, user.email))!;
    let release = () => {};
    hashGate.reached = false;
    hashGate.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      // The first secret's right code: checked, then held before two-factor is switched on...
      const completing = completeEnrollment(user.id, await codeNow(first.secret));
      await vi.waitFor(() => expect(hashGate.reached).toBe(true));
      hashGate.hold = null;
      // ...while the person starts again (say, in another tab) and gets a new secret.
      const second = (await beginEnrollment(user.id, user.email))!;
      release();
      expect(await completing).toBeNull();
      expect(await isMfaEnabled(user.id)).toBe(false);
      expect(await backupCodeRows(user.id)).toHaveLength(0);
      expect(decryptSecret((await factorRow(user.id))!.secretEncrypted, user.id)).toBe(second.secret);
    } finally {
      hashGate.hold = null;
      release();
    }
  });

  it('beginEnrollment is refused while two-factor is on, and leaves the secret alone', async () => {
    const user = await enrolledUser();
    const before = await factorRow(user.id);
    expect(await beginEnrollment(user.id, user.email)).toBeNull();
    expect(await factorRow(user.id)).toEqual(before);
    expect(await isMfaEnabled(user.id)).toBe(true);
    expect(await spendTotpCode(user.id, await codeNow(user.secret))).toBe(true);
  });

  it('completeEnrollment with nothing pending (never started, or already on) returns null', async () => {
    const fresh = await makeUser();
    expect(await completeEnrollment(fresh.id, '123456')).toBeNull();
    const user = await enrolledUser();
    expect(await completeEnrollment(user.id, await codeNow(user.secret))).toBeNull();
    // The refused call neither replaced the backup codes nor spent the code.
    expect(await spendBackupCode(user.id, user.backupCodes[0]!)).toEqual({ left: 9 });
    expect(await spendTotpCode(user.id, await codeNow(user.secret))).toBe(true);
  });

  it('the enrollment code’s time step counts as used: the same code right after is refused', async () => {
    const user = await makeUser();
    const { secret } = await cleanEnrollment(user);
    const step = nowStep();
    const code = await codeAt(secret, step);
    expect(await completeEnrollment(user.id, code)).toHaveLength(10);
    expect((await factorRow(user.id))?.lastUsedStep).toBe(step);
    expect(await spendTotpCode(user.id, code)).toBe(false);
    // Not vacuous: the next step's code is accepted.
    advanceSteps(1);
    expect(await spendTotpCode(user.id, await codeNow(secret))).toBe(true);
  });

  it('two concurrent completions with one code: exactly one enables, and there are 10 codes, not 20', async () => {
    const user = await makeUser();
    const { secret } = (await beginEnrollment(user.id, user.email))!;
    const code = await codeNow(secret);
    const results = await Promise.all([completeEnrollment(user.id, code), completeEnrollment(user.id, code)]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const shown = results.find((r) => r !== null)!;
    expect(await backupCodeRows(user.id)).toHaveLength(10);
    // The codes that were shown are the ones that work.
    expect(await spendBackupCode(user.id, shown[0]!)).toEqual({ left: 9 });
  });
});

describe('guessMethod', () => {
  it.each([
    ['123456', 'totp'],
    ['123 456', 'totp'],
    ['123-456', 'totp'],
    ['ABCDE-FGHJK', 'backup'],
    ['abcdefghjk', 'backup'],
    ['1234567', 'backup'],
    ['', 'backup'],
  ])('%j → %s', (code, method) => {
    expect(guessMethod(code)).toBe(method);
  });
});

describe('disableMfa', () => {
  it('deletes the secret row and every backup code; the old codes stop working', async () => {
    const user = await enrolledUser();
    await spendBackupCode(user.id, user.backupCodes[0]!); // a used one must go too
    expect(await backupCodeRows(user.id)).toHaveLength(10);

    await disableMfa(user.id);
    expect(await factorRow(user.id)).toBeUndefined();
    expect(await backupCodeRows(user.id)).toEqual([]);
    expect(await mfaStatus(user.id)).toEqual(OFF);
    expect(await isMfaEnabled(user.id)).toBe(false);
    expect(await spendTotpCode(user.id, await codeNow(user.secret))).toBe(false);
    expect(await spendBackupCode(user.id, user.backupCodes[1]!)).toBeNull();
    // And set-up can start again.
    expect(await beginEnrollment(user.id, user.email)).not.toBeNull();
  });

  it('only touches that account', async () => {
    const [a, b] = [await enrolledUser(), await enrolledUser()];
    await disableMfa(a.id);
    expect(await factorRow(b.id)).toBeDefined();
    expect(await backupCodeRows(b.id)).toHaveLength(10);
    expect(await isMfaEnabled(b.id)).toBe(true);
  });
});
