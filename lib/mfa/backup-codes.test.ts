import { describe, expect, it } from 'vitest';
import {
  BACKUP_CODE_COUNT,
  backupCodeLookup,
  generateBackupCodes,
  hashBackupCode,
  verifyBackupCode,
} from './backup-codes';
import { BACKUP_CODE_ALPHABET, BACKUP_CODE_LENGTH, normalizeBackupCode } from './code-shapes';

const FORMAT = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

describe('generateBackupCodes', () => {
  it('gives 10 distinct codes formatted XXXXX-XXXXX from the unambiguous alphabet', () => {
    const codes = generateBackupCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(FORMAT);
  });

  it('differs from one call to the next', () => {
    const all = Array.from({ length: 20 }, generateBackupCodes).flat();
    expect(new Set(all).size).toBe(200);
  });

  it('has 50 bits per code: 10 symbols from 32, each symbol used', () => {
    expect(BACKUP_CODE_COUNT).toBe(10);
    expect(BACKUP_CODE_LENGTH).toBe(10);
    expect(BACKUP_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(BACKUP_CODE_ALPHABET).size).toBe(32);
    expect(BACKUP_CODE_ALPHABET).not.toMatch(/[ILOU]/);
    expect(BACKUP_CODE_LENGTH * Math.log2(BACKUP_CODE_ALPHABET.length)).toBe(50);
    // 10,000 symbols: a generator drawing from fewer than 32 would miss one (chance a fair one
    // misses any: 32 × (31/32)^10000, about 1e-136).
    const symbols = Array.from({ length: 100 }, generateBackupCodes).flat().join('').replaceAll('-', '');
    expect(new Set(symbols)).toEqual(new Set(BACKUP_CODE_ALPHABET));
  });

  it('gives the codes of a set distinct lookups (first 2 characters), so one row at most can match', () => {
    // Drawn independently, 10 codes share a 2-character prefix in about 4.3% of sets
    // (1 − ∏(1 − i/1024), i < 10): 2,000 sets without a redraw would all but surely show one.
    for (let i = 0; i < 2_000; i++) {
      const lookups = generateBackupCodes().map((c) => backupCodeLookup(normalizeBackupCode(c)!));
      expect(new Set(lookups).size).toBe(BACKUP_CODE_COUNT);
    }
  });

  it('takes the lookup from the normalized code: its first 2 characters', () => {
    expect(backupCodeLookup('0011ABCDEF')).toBe('00');
    expect(backupCodeLookup(normalizeBackupCode('oi2ab-cdefg')!)).toBe('01');
  });

  it('normalizes every generated code to itself without the dash', () => {
    for (const code of generateBackupCodes()) expect(normalizeBackupCode(code)).toBe(code.replace('-', ''));
  });
});

describe('normalizeBackupCode', () => {
  it.each([
    ['ABCDE-FGH12', 'ABCDEFGH12'],
    ['abcde-fgh12', 'ABCDEFGH12'],
    ['ABCDEFGH12', 'ABCDEFGH12'],
    ['  abc de fgh 12 ', 'ABCDEFGH12'],
    ['ABCDE—FGH12', 'ABCDEFGH12'], // an em dash, as word processors write it
    ['ABCDE-FGH1-2', 'ABCDEFGH12'],
    ['OoIiL-l0000', '0011110000'], // Crockford look-alikes: O→0, I/L→1
  ])('reads %j as %s', (input, expected) => {
    expect(normalizeBackupCode(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['too short', 'ABCDE-FGH1'],
    ['too long', 'ABCDE-FGH123'],
    ['U (not in the alphabet)', 'ABCDE-FGHU2'],
    ['punctuation', 'ABCDE.FGH12'],
    ['underscore', 'ABCDE_FGH12'],
    ['non-ASCII letter', 'ABCDE-FGHÉ2'],
    ['dotless i (upper-cases to I)', 'ABCDE-FGHı2'],
    ['full-width digits', 'ABCDE-FGH１２'],
    ['a TOTP code', '123456'],
    ['very long input', 'A'.repeat(10_000)],
  ])('refuses %s', (_, input) => {
    expect(normalizeBackupCode(input)).toBeNull();
  });
});

describe('hashBackupCode / verifyBackupCode', () => {
  const code = normalizeBackupCode(generateBackupCodes()[0]!)!;

  it('hashes with argon2id (a salted password hash: 50 bits < 112, SP 800-63B §5.1.2.2)', async () => {
    const hash = await hashBackupCode(code);
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
  });

  it('salts: the same code hashes differently twice, and both verify', async () => {
    const [a, b] = await Promise.all([hashBackupCode(code), hashBackupCode(code)]);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]); // the salt field
    expect(await verifyBackupCode(code, a)).toBe(true);
    expect(await verifyBackupCode(code, b)).toBe(true);
  });

  it('never contains the code, formatted or not', async () => {
    const hash = await hashBackupCode(code);
    expect(hash).not.toContain(code);
    expect(hash).not.toContain(code.slice(0, 5));
    expect(hash).not.toContain(code.slice(5));
    expect(hash.toUpperCase()).not.toContain(code);
  });

  it('verifies the right code and refuses others', async () => {
    const hash = await hashBackupCode(code);
    const lastIndex = BACKUP_CODE_ALPHABET.indexOf(code[9]!);
    const oneOff = `${code.slice(0, 9)}${BACKUP_CODE_ALPHABET[(lastIndex + 1) % 32]}`;
    expect(await verifyBackupCode(code, hash)).toBe(true);
    expect(await verifyBackupCode(oneOff, hash)).toBe(false);
    expect(await verifyBackupCode('', hash)).toBe(false);
    // Only the normalized form matches: callers normalize user input first.
    expect(await verifyBackupCode(`${code.slice(0, 5)}-${code.slice(5)}`, hash)).toBe(false);
  });

  it('a code typed in lower case with look-alikes verifies once normalized', async () => {
    const hash = await hashBackupCode('0011ABCDEF');
    expect(await verifyBackupCode(normalizeBackupCode('oOil-a bcdef')!, hash)).toBe(true);
  });

  it('refuses to hash a code that is not normalized', async () => {
    await expect(hashBackupCode('abcde-fgh12')).rejects.toThrow(/normalize/);
    await expect(hashBackupCode('ABCDE-FGH12')).rejects.toThrow(/normalize/);
    await expect(hashBackupCode('')).rejects.toThrow(/normalize/);
  });

  it('returns false, without throwing, for a corrupt stored hash', async () => {
    await expect(verifyBackupCode(code, 'not-a-hash')).resolves.toBe(false);
    await expect(verifyBackupCode(code, '$argon2id$v=19$m=19456,t=2,p=1$broken')).resolves.toBe(false);
  });
});
