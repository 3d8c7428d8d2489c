import { describe, expect, it } from 'vitest';
import { activityLabel } from './activity-labels';

describe('activityLabel', () => {
  it('says how many sessions were signed out, one or several', () => {
    expect(activityLabel({ type: 'session_revoked', detail: { count: 1 } })).toBe(
      'Another session signed out',
    );
    expect(activityLabel({ type: 'session_revoked', detail: { count: 3 } })).toBe(
      '3 other sessions signed out',
    );
    expect(activityLabel({ type: 'session_revoked', detail: { count: 4, all: true } })).toBe(
      'Signed out everywhere (4 sessions)',
    );
    // Never "(3 times)": the count is of sessions, not of events.
    expect(activityLabel({ type: 'session_revoked', detail: { count: 3 } })).not.toContain('times');
  });

  it('says when undoing two-factor from the mailbox locked the account', () => {
    expect(activityLabel({ type: 'change_undone', detail: { kind: 'mfa_enabled', signedOut: 1 } })).toBe(
      'Change undone from the mailbox (“This wasn’t me”)',
    );
    expect(
      activityLabel({ type: 'change_undone', detail: { kind: 'mfa_enabled', signedOut: 1, locked: true } }),
    ).toBe(
      'Change undone from the mailbox (“This wasn’t me”); the account was locked until an administrator unlocks it',
    );
  });

  it('does not call a step-up failure a wrong code, nor say which of the two was wrong', () => {
    const password = activityLabel({
      type: 'mfa_verify_failure',
      detail: { purpose: 'step_up', method: 'backup', reason: 'password' },
    });
    const code = activityLabel({
      type: 'mfa_verify_failure',
      detail: { purpose: 'step_up', method: 'totp' },
    });
    expect(password).toBe('Wrong password or code given to change a setting');
    expect(code).toBe(password);
    expect(
      activityLabel({ type: 'mfa_verify_failure', detail: { purpose: 'sign_in', method: 'totp' } }),
    ).toBe('Wrong second-step code');
    expect(activityLabel({ type: 'mfa_verify_failure', detail: { purpose: 'password_reset' } })).toBe(
      'Wrong code given to reset the password',
    );
  });

  it('says when a trusted device skipped the code, and how many trusted devices went and why', () => {
    expect(activityLabel({ type: 'sign_in_success', detail: { method: 'password' } })).toBe('Signed in');
    expect(
      activityLabel({ type: 'sign_in_success', detail: { method: 'password', trustedDevice: true } }),
    ).toBe('Signed in on a trusted device (no code asked)');
    expect(activityLabel({ type: 'trusted_device_removed', detail: { count: 1, reason: 'removed' } })).toBe(
      'Trusted device removed',
    );
    expect(
      activityLabel({ type: 'trusted_device_removed', detail: { count: 3, reason: 'password_changed' } }),
    ).toBe('3 trusted devices removed (password changed)');
  });

  it('keeps folded refusals counted and backup codes left', () => {
    expect(activityLabel({ type: 'sign_in_failure', detail: { count: 4 } })).toBe(
      'Failed sign-in attempt (4 times)',
    );
    expect(activityLabel({ type: 'sign_in_failure', detail: {} })).toBe('Failed sign-in attempt');
    expect(activityLabel({ type: 'backup_code_used', detail: { left: 7 } })).toBe(
      'Backup code used (7 left)',
    );
  });

  it('tells an administrator’s own record from what was done to the person, and a locked sign-in', () => {
    expect(activityLabel({ type: 'admin_mfa_reset', detail: { by: 'a' } })).toBe(
      'An administrator reset your two-factor authentication',
    );
    expect(activityLabel({ type: 'admin_mfa_reset', detail: { target: 'b' } })).toBe(
      'You reset another account’s two-factor authentication (as an administrator)',
    );
    expect(activityLabel({ type: 'account_locked', detail: { by: 'a', signedOut: 3 } })).toBe(
      'An administrator locked your account',
    );
    expect(activityLabel({ type: 'account_locked', detail: { target: 'b' } })).toBe(
      'You locked another account (as an administrator)',
    );
    expect(activityLabel({ type: 'sign_in_failure', detail: { reason: 'account_locked' } })).toBe(
      'Sign-in refused: the account is locked',
    );
  });
});
