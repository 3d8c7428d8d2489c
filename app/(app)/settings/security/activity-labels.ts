import type { AuditEventDTO, AuditType } from '@/lib/audit';

const LABELS: Record<AuditType, string> = {
  registered: 'Account created',
  sign_in_success: 'Signed in',
  sign_in_failure: 'Failed sign-in attempt',
  sign_in_rate_limited: 'Sign-in refused: too many attempts',
  sign_out: 'Signed out',
  session_revoked: 'Another session signed out',
  mfa_setup_started: 'Authenticator set-up started',
  mfa_enabled: 'Two-factor authentication turned on',
  mfa_enable_failed: 'Authenticator set-up: wrong code',
  mfa_challenge_issued: 'Password accepted, second step asked',
  mfa_verify_success: 'Second step passed',
  mfa_verify_failure: 'Wrong second-step code',
  mfa_locked: 'Second step locked: too many wrong codes',
  backup_code_used: 'Backup code used',
  backup_codes_regenerated: 'Backup codes regenerated',
  mfa_disabled: 'Two-factor authentication turned off',
  password_changed: 'Password changed',
  password_recheck_failed: 'Wrong password given to change a setting',
  email_verification_sent: 'Verification email sent',
  email_verified: 'Email address verified',
  password_reset_requested: 'Password reset link sent',
  password_reset: 'Password reset by email link',
  email_change_requested: 'Email change asked for',
  email_changed: 'Email address changed',
  change_undone: 'Change undone from the mailbox (“This wasn’t me”)',
  data_exported: 'Data downloaded',
  refresh_token_reused: 'An app’s sign-in was used twice and ended (a copied token?)',
  account_recovery_requested: 'Account recovery started (every factor lost)',
  account_recovery_cancelled: 'Account recovery cancelled',
  account_recovery_completed: 'Account recovered: two-factor turned off, every session signed out',
  trusted_device_added: 'Device trusted for 30 days (skips the second step)',
  trusted_device_removed: 'Trusted device removed',
  new_device_sign_in: 'Sign-in from a new device (you were emailed)',
  role_granted: 'Administrator role granted',
  role_revoked: 'Administrator role removed',
  admin_signed_out_everywhere: 'An administrator signed you out everywhere',
  admin_mfa_reset: 'An administrator reset your two-factor authentication',
  account_locked: 'An administrator locked your account',
  account_unlocked: 'An administrator unlocked your account',
  // Never shown here (the account is gone); kept for an investigator.
  account_deleted: 'Account deleted',
};

/**
 * The same events in an administrator's own history (detail.target: whose account it was): the
 * record of what they did, in words that are about them, not to them.
 */
const AS_ADMIN: Partial<Record<AuditType, string>> = {
  admin_signed_out_everywhere: 'You signed another account out everywhere (as an administrator)',
  admin_mfa_reset: 'You reset another account’s two-factor authentication (as an administrator)',
  account_locked: 'You locked another account (as an administrator)',
  account_unlocked: 'You unlocked another account (as an administrator)',
};

/** Why every trusted device went at once (lib/auth/trusted-devices.ts RemovalReason). */
const REMOVAL_REASONS: Record<string, string> = {
  removed_all: 'you removed them all',
  password_changed: 'password changed',
  password_reset: 'password reset',
  mfa_disabled: 'two-factor turned off',
  signed_out_everywhere: 'signed out everywhere',
  account_recovered: 'account recovered',
  change_undone: 'change undone from the mailbox',
  admin_mfa_reset: 'an administrator reset two-factor',
  admin_signed_out_everywhere: 'an administrator signed you out everywhere',
  account_locked: 'an administrator locked the account',
};

const count = (e: Pick<AuditEventDTO, 'detail'>) => (typeof e.detail.count === 'number' ? e.detail.count : 1);

/**
 * One line of the activity list, in words that match what happened. A step-up (the password and
 * a code, before regenerating codes, disabling two-factor, changing the address or deleting)
 * never says which of the two was wrong, so neither does its history: the session that tried
 * may not be the owner.
 */
export function activityLabel(e: Pick<AuditEventDTO, 'type' | 'detail'>): string {
  const { purpose } = e.detail;
  switch (e.type) {
    case 'session_revoked': {
      const n = count(e);
      // From the API's "sign out everywhere": the caller's own session is among them.
      if (e.detail.all === true)
        return n === 1 ? 'Signed out everywhere (1 session)' : `Signed out everywhere (${n} sessions)`;
      return n === 1 ? LABELS.session_revoked : `${n} other sessions signed out`;
    }
    case 'sign_in_failure':
      // The right password for a locked account (lib/auth/login.ts).
      if (e.detail.reason === 'account_locked') return 'Sign-in refused: the account is locked';
      return count(e) > 1 ? `${LABELS.sign_in_failure} (${count(e)} times)` : LABELS.sign_in_failure;
    case 'mfa_verify_failure':
      if (purpose === 'step_up') return 'Wrong password or code given to change a setting';
      if (purpose === 'password_reset') return 'Wrong code given to reset the password';
      return LABELS.mfa_verify_failure;
    case 'mfa_locked':
      if (purpose === 'step_up') return 'Second step locked: too many wrong passwords or codes';
      return LABELS.mfa_locked;
    case 'sign_in_success':
      return e.detail.trustedDevice === true
        ? 'Signed in on a trusted device (no code asked)'
        : LABELS.sign_in_success;
    case 'trusted_device_removed': {
      const n = count(e);
      const what = n === 1 ? LABELS.trusted_device_removed : `${n} trusted devices removed`;
      const why = REMOVAL_REASONS[String(e.detail.reason)];
      return why ? `${what} (${why})` : what;
    }
    case 'account_recovery_requested':
      // Asked for an account whose role requires two-factor: no recovery started.
      return e.detail.refused === 'role_requires_mfa'
        ? 'Account recovery asked for and refused: your role requires an administrator to reset two-factor'
        : LABELS.account_recovery_requested;
    case 'change_undone':
      // Two-factor undone on an account whose role requires it: locked until an administrator unlocks it.
      return e.detail.locked === true
        ? `${LABELS.change_undone}; the account was locked until an administrator unlocks it`
        : LABELS.change_undone;
    case 'backup_code_used':
      return typeof e.detail.left === 'number'
        ? `${LABELS.backup_code_used} (${e.detail.left} left)`
        : LABELS.backup_code_used;
    default: {
      const asAdmin = typeof e.detail.target === 'string' ? AS_ADMIN[e.type] : undefined;
      if (asAdmin) return asAdmin;
      const label = LABELS[e.type] ?? e.type;
      // Folded refusals (lib/audit): one row for many tries.
      const n = count(e);
      return n > 1 ? `${label} (${n} times)` : label;
    }
  }
}
