import { beforeAll, describe, expect, it } from 'vitest';
import type { PasswordRefusal } from './messages';
import { loadMeter, type Meter } from './password-meter';
import { judgePassword, type PasswordContext } from './password-policy';

let meter: Meter;
beforeAll(async () => {
  meter = await loadMeter();
});

const CONTEXT: PasswordContext = { email: 'someone@example.com', appName: 'Latchkey' };
const refusal = (password: string, context: Partial<PasswordContext> = {}) =>
  judgePassword(password, { ...CONTEXT, ...context }, meter).refusal;

describe('judgePassword', () => {
  it.each<[string, PasswordRefusal]>([
    ['123456789012', 'passwordSequential'],
    ['aaaaaaaaaaaa', 'passwordRepetitive'],
    ['password1234', 'passwordCommon'],
    ['qwertyuiop12', 'passwordCommon'],
  ])('refuses %s, which the old server policy accepted, as %s', (password, key) => {
    expect(refusal(password)).toBe(key);
  });

  it.each(['1qaz2wsx3edc', '123qweasdzxc', 'qwerty123456', 'iloveyou1234', 'P@ssw0rd1234'])(
    'refuses the common password %s',
    (password) => {
      expect(refusal(password)).toBe('passwordCommon');
    },
  );

  it('compares case-insensitively', () => {
    expect(refusal('1QAZ2WSX3EDC')).toBe('passwordCommon');
    expect(refusal('AAAAAAAAAAAA')).toBe('passwordRepetitive');
    expect(refusal('ABCDEFGHIJKL')).toBe('passwordSequential');
  });

  it.each([
    ['abcabcabcabc', 'passwordRepetitive'],
    ['passwordpassword', 'passwordRepetitive'],
    ['aaaaaaaaaaab', 'passwordRepetitive'],
    ['zyxwvutsrqpo', 'passwordSequential'],
    ['987654321098', 'passwordSequential'],
    ['zxcvbnm,./asdf', 'passwordSequential'],
  ] as const)('refuses the repetitive or sequential %s as %s', (password, key) => {
    expect(refusal(password)).toBe(key);
  });

  it('refuses a password that contains the email local part, in any case and without its dots', () => {
    const email = 'alice.smith@example.com';
    expect(refusal('my name is alice.smith ok', { email })).toBe('passwordHasEmail');
    expect(refusal('ALICE.SMITH-forever-2024', { email })).toBe('passwordHasEmail');
    expect(refusal('AliceSmith-forever-2024', { email })).toBe('passwordHasEmail');
    expect(refusal('tapir-alice-quill-ochre', { email: 'alice+shop@example.com' })).toBe('passwordHasEmail');
  });

  it('refuses a local part of exactly 3 characters, ignores shorter ones', () => {
    expect(refusal('bobs-unusual-garden-shed', { email: 'bob@example.com' })).toBe('passwordHasEmail');
    expect(refusal('abstract-unusual-garden-shed', { email: 'ab@example.com' })).toBeNull();
  });

  it('does not refuse a password that merely contains the domain', () => {
    expect(refusal('example-unusual-garden-shed', { email: 'carol@example.com' })).toBeNull();
  });

  it('refuses the app name, however it is written, and a name set in the settings', () => {
    expect(refusal('my latchkey password')).toBe('passwordHasAppName');
    expect(refusal('LatchKey-2024-tapir-ochre')).toBe('passwordHasAppName');
    expect(refusal('acmebank tapir ochre 91', { appName: 'Acme Bank' })).toBe('passwordHasAppName');
    expect(refusal('my latchkey password', { appName: 'Acme Bank' })).toBeNull();
  });

  it('refuses what zxcvbn scores below 3, with the reason its analysis gives', () => {
    expect(refusal('sunshine2024!')).toBe('passwordCommon');
    expect(judgePassword('sunshine2024!', CONTEXT, meter).score).toBeLessThan(3);
    // A l33t spelling of a context word is no better than the word.
    expect(refusal('4l1c3sm1th!!', { email: 'alicesmith@example.com' })).toBe('passwordHasEmail');
  });

  it('checks length in code points after NFKC, as the form does', () => {
    expect(refusal('Tapir-Quill')).toBe('passwordTooShort');
    expect(refusal('t'.repeat(129))).toBe('passwordTooLong');
    // U+FB01 (ﬁ) becomes "fi" under NFKC: 11 code points as typed, 12 as judged.
    const typed = 'tapir \ufb01nch9';
    expect(Array.from(typed)).toHaveLength(11);
    expect(refusal(typed)).not.toBe('passwordTooShort');
  });

  it.each([
    'correct horse battery staple',
    'Tapir-Quill-Ochre-Lantern-91',
    'violet tractor umbrella 42',
    'marble otter canyon 1987',
    'Lk-Q3v9xPz0aB1cD2eF-passphrase',
  ])('accepts the good passphrase %s, and scores it strong', (password) => {
    const verdict = judgePassword(password, CONTEXT, meter);
    expect(verdict).toEqual({ refusal: null, score: expect.any(Number) });
    expect(verdict.score).toBeGreaterThanOrEqual(3);
  });

  it('never shows a refused password as strong', () => {
    // zxcvbn alone scores this 4: the app name is what refuses it.
    expect(judgePassword('my latchkey password', CONTEXT, meter)).toEqual({
      refusal: 'passwordHasAppName',
      score: 1,
    });
  });
});
