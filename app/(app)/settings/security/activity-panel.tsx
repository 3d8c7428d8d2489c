import type { AuditEventDTO, AuditType } from '@/lib/audit';
import { describeDevice, formatWhen } from '@/lib/format';

const LABELS: Record<AuditType, string> = {
  registered: 'Account created',
  sign_in_success: 'Signed in',
  sign_in_failure: 'Failed sign-in attempt',
  sign_in_rate_limited: 'Sign-in refused: too many attempts',
  sign_out: 'Signed out',
  session_revoked: 'Other sessions signed out',
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
  // Never shown here (the account is gone); kept for an investigator.
  account_deleted: 'Account deleted',
};

export function ActivityPanel({ events }: { events: AuditEventDTO[] }) {
  return (
    <section className="panel" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent security activity</h2>
      <ol data-testid="security-activity" className="list">
        {events.map((e) => (
          <li key={e.id}>
            <div>
              <strong>{LABELS[e.type] ?? e.type}</strong>
              {e.type === 'backup_code_used' && typeof e.detail.left === 'number'
                ? ` (${e.detail.left} left)`
                : null}
              {typeof e.detail.count === 'number' && e.detail.count > 1 ? ` (${e.detail.count} times)` : null}
              <div className="muted small">
                {formatWhen(e.createdAt)} · {e.ipAddress ?? 'unknown address'} · {describeDevice(e.userAgent)}
              </div>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
