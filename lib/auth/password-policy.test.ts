import { describe, expect, it } from 'vitest';
import { passwordPolicyError } from './password-policy';

describe('passwordPolicyError', () => {
  it.each(['1qaz2wsx3edc', '123qweasdzxc', 'qwerty123456', 'password'])(
    'refuses the common password %s',
    (pw) => {
      expect(passwordPolicyError(pw, 'someone@example.com')).toBe('passwordCommon');
    },
  );

  it('compares case-insensitively', () => {
    expect(passwordPolicyError('1QAZ2WSX3EDC', 'someone@example.com')).toBe('passwordCommon');
    expect(passwordPolicyError('123QweAsdZxc', 'someone@example.com')).toBe('passwordCommon');
  });

  it('refuses a password that contains the email local part, in any case', () => {
    expect(passwordPolicyError('my name is alice.smith ok', 'alice.smith@example.com')).toBe(
      'passwordHasEmail',
    );
    expect(passwordPolicyError('ALICE.SMITH-forever-2024', 'alice.smith@example.com')).toBe(
      'passwordHasEmail',
    );
  });

  it('refuses a local part of exactly 3 characters, ignores shorter ones', () => {
    expect(passwordPolicyError('bobs-unusual-garden-shed', 'bob@example.com')).toBe('passwordHasEmail');
    expect(passwordPolicyError('abstract-unusual-garden-shed', 'ab@example.com')).toBeNull();
  });

  it('does not refuse a password that merely contains the domain', () => {
    expect(passwordPolicyError('example-unusual-garden-shed', 'carol@example.com')).toBeNull();
  });

  it('accepts a good passphrase', () => {
    expect(passwordPolicyError('correct horse battery staple', 'alice@example.com')).toBeNull();
    expect(passwordPolicyError('Tapir-Quill-Ochre-Lantern-91', 'alice@example.com')).toBeNull();
  });
});
