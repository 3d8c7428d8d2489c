import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setupIntegration } from '@/tests/integration';
import {
  advanceSteps,
  allTables,
  backupCodeRows,
  codeAt,
  codeNow,
  enrolledUser,
  factorRow,
  freezeClock,
  nowStep,
  tablesContaining,
} from '@/tests/mfa';
import { regenerateBackupCodes, spendBackupCode } from './backup-code-factor';
import { normalizeBackupCode } from './code-shapes';
import { mfaStatus } from './factors';
import { verifyTotp } from './totp';
import { spendTotpCode } from './totp-factor';

setupIntegration();

beforeEach(() => {
  freezeClock();
});

afterEach(() => {
  vi.useRealTimers();
});

/** The code is valid for the secret at this moment, ignoring replay: so a refusal is a replay refusal. */
async function expectInWindow(secret: string, code: string) {
  expect(await verifyTotp({ secret, code })).toMatchObject({ valid: true });
}

describe('authenticator codes are accepted once', () => {
  it('the same code again is refused, even within its window', async () => {
    const user = await enrolledUser();
    const code = await codeNow(user.secret);
    expect(await spendTotpCode(user.id, code)).toBe(true);
    expect(await spendTotpCode(user.id, code)).toBe(false);
    // Still in the same step, and a step later (where ±1 would still accept it): refused.
    await expectInWindow(user.secret, code);
    expect(await spendTotpCode(user.id, code)).toBe(false);
    advanceSteps(1);
    await expectInWindow(user.secret, code);
    expect(await spendTotpCode(user.id, code)).toBe(false);
  });

  it('typing the code differently ("123 456") does not make it new', async () => {
    const user = await enrolledUser();
    const code = await codeNow(user.secret);
    expect(await spendTotpCode(user.id, code)).toBe(true);
    expect(await spendTotpCode(user.id, `${code.slice(0, 3)} ${code.slice(3)}`)).toBe(false);
    expect(await spendTotpCode(user.id, `${code.slice(0, 3)}-${code.slice(3)}`)).toBe(false);
  });

  it('a code from a step earlier than the last accepted one is refused; a later step is accepted', async () => {
    const user = await enrolledUser();
    const step = nowStep();
    const previous = await codeAt(user.secret, step - 1);
    const next = await codeAt(user.secret, step + 1);
    // The next step's code (clock drift: ±1 step) is accepted now...
    expect(await spendTotpCode(user.id, next)).toBe(true);
    expect((await factorRow(user.id))?.lastUsedStep).toBe(step + 1);
    // ...after which the current and the previous step's codes, both in the window, are refused.
    await expectInWindow(user.secret, previous);
    expect(await spendTotpCode(user.id, await codeAt(user.secret, step))).toBe(false);
    expect(await spendTotpCode(user.id, previous)).toBe(false);
    // Two steps on, the step after the last accepted one works.
    advanceSteps(2);
    expect(await spendTotpCode(user.id, await codeNow(user.secret))).toBe(true);
    expect((await factorRow(user.id))?.lastUsedStep).toBe(step + 2);
  });

  it('codes outside ±1 step are refused', async () => {
    const user = await enrolledUser();
    const step = nowStep();
    expect(await spendTotpCode(user.id, await codeAt(user.secret, step + 2))).toBe(false);
    expect(await spendTotpCode(user.id, await codeAt(user.secret, step - 2))).toBe(false);
    expect(await spendTotpCode(user.id, await codeAt(user.secret, step))).toBe(true);
  });

  it('10 concurrent uses of one valid code: exactly one succeeds', async () => {
    const user = await enrolledUser();
    const code = await codeNow(user.secret);
    const results = await Promise.all(Array.from({ length: 10 }, () => spendTotpCode(user.id, code)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await factorRow(user.id))?.lastUsedStep).toBe(nowStep());
  });

  it('one account’s spent step does not affect another account', async () => {
    const [a, b] = [await enrolledUser(), await enrolledUser()];
    expect(await spendTotpCode(a.id, await codeNow(a.secret))).toBe(true);
    expect(await spendTotpCode(b.id, await codeNow(b.secret))).toBe(true);
  });
});

describe('backup codes', () => {
  it('each works once, and `left` counts down', async () => {
    const user = await enrolledUser();
    for (const [i, code] of user.backupCodes.slice(0, 4).entries()) {
      expect(await spendBackupCode(user.id, code)).toEqual({ left: 9 - i });
      expect(await spendBackupCode(user.id, code)).toBeNull();
    }
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 6 });
  });

  it('accepts lower case, no dash, spaces; the other forms of a spent code fail', async () => {
    const user = await enrolledUser();
    const [a, b, c, d] = user.backupCodes as [string, string, string, string];
    expect(await spendBackupCode(user.id, a.toLowerCase())).toEqual({ left: 9 });
    expect(await spendBackupCode(user.id, b.replace('-', ''))).toEqual({ left: 8 });
    expect(await spendBackupCode(user.id, ` ${c.slice(0, 5)} ${c.slice(6)} `)).toEqual({ left: 7 });
    expect(await spendBackupCode(user.id, `${d.slice(0, 3)} ${d.slice(3, 8)} ${d.slice(8)}`)).toEqual({
      left: 6,
    });
    for (const spent of [a, a.replace('-', ''), b, b.toLowerCase(), c]) {
      expect(await spendBackupCode(user.id, spent)).toBeNull();
    }
  });

  it('a wrong, malformed or another account’s code fails and spends nothing', async () => {
    const [user, other] = [await enrolledUser(), await enrolledUser()];
    for (const code of ['', 'ABCDE', 'ABCDE-FGHJK-MN', '!!!!!-!!!!!', '123456', other.backupCodes[0]!]) {
      expect(await spendBackupCode(user.id, code)).toBeNull();
    }
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 10 });
    expect(await spendBackupCode(other.id, other.backupCodes[0]!)).toEqual({ left: 9 });
  });

  it('20 concurrent uses of one code: exactly one succeeds, the others get null', async () => {
    const user = await enrolledUser();
    const code = user.backupCodes[3]!;
    const results = await Promise.all(Array.from({ length: 20 }, () => spendBackupCode(user.id, code)));
    expect(results.filter((r) => r !== null)).toEqual([{ left: 9 }]);
    expect(results.filter((r) => r === null)).toHaveLength(19);
    expect((await backupCodeRows(user.id)).filter((r) => r.usedAt !== null)).toHaveLength(1);
  });

  it('after regenerating, the old codes fail and the new ones work', async () => {
    const user = await enrolledUser();
    await spendBackupCode(user.id, user.backupCodes[0]!);
    const fresh = await regenerateBackupCodes(user.id);
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((c) => user.backupCodes.includes(c))).toEqual([]);
    expect(await mfaStatus(user.id)).toMatchObject({ backupCodesLeft: 10 });
    for (const old of user.backupCodes.slice(1, 4)) expect(await spendBackupCode(user.id, old)).toBeNull();
    expect(await spendBackupCode(user.id, fresh[0]!)).toEqual({ left: 9 });
    expect(await spendBackupCode(user.id, fresh[9]!)).toEqual({ left: 8 });
    expect(await backupCodeRows(user.id)).toHaveLength(10);
  });

  it('are stored only as argon2id hashes: no row holds a code in any form', async () => {
    const user = await enrolledUser();
    const rows = await backupCodeRows(user.id);
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.codeHash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(new Set(rows.map((r) => r.codeHash)).size).toBe(10); // salted: no two alike
    const forms = user.backupCodes.flatMap((c) => {
      const normalized = normalizeBackupCode(c)!;
      return [c, c.toLowerCase(), normalized, normalized.toLowerCase()];
    });
    const dump = JSON.stringify(rows).toUpperCase();
    for (const form of forms) expect(dump).not.toContain(form.toUpperCase());
    // Nor any other table (audit details, sessions…).
    expect(await tablesContaining(forms)).toEqual([]);
  });
});

describe('secrets at rest', () => {
  function base32Decode(s: string): Buffer {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = '';
    for (const ch of s) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
    return Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => Number.parseInt(b, 2)));
  }

  it('the TOTP secret is stored AES-GCM encrypted (v2.…, bound to its user), never in plain text anywhere', async () => {
    const user = await enrolledUser();
    await spendTotpCode(user.id, await codeNow(user.secret));
    const row = await factorRow(user.id);
    expect(row?.secretEncrypted.startsWith('v2.')).toBe(true);
    expect(row?.secretEncrypted.split('.')).toHaveLength(5);

    const raw = base32Decode(user.secret);
    expect(raw).toHaveLength(20);
    const forms = [user.secret, raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')];
    expect(JSON.stringify(row).toUpperCase()).not.toContain(user.secret);
    for (const form of forms) expect(row?.secretEncrypted.toUpperCase()).not.toContain(form.toUpperCase());

    // A full dump: every column of every row of every table, as text, case-insensitively.
    const tables = await allTables();
    expect(tables).toEqual(expect.arrayContaining(['public.totp_factors', 'public.backup_codes']));
    expect(await tablesContaining(forms)).toEqual([]);
    // The search itself works: it finds the ciphertext where it is.
    expect(await tablesContaining([row!.secretEncrypted])).toEqual(['public.totp_factors']);
  });
});
