import Link from 'next/link';
import { LOW_BACKUP_CODES } from '@/lib/mfa/code-shapes';

/**
 * What the dashboard says about the account's security: a nudge while two-factor is off, and a
 * warning when the backup codes run low (the last way in when the phone is lost). Nothing when
 * all is well: a card that is always there stops being read.
 */
export function SecurityCard({
  mfaEnabled,
  backupCodesLeft,
}: {
  mfaEnabled: boolean;
  backupCodesLeft: number;
}) {
  if (!mfaEnabled) {
    return (
      <section className="panel highlight" aria-labelledby="security-nudge-title">
        <h2 id="security-nudge-title">Protect your account with two-factor authentication</h2>
        <p>
          With an authenticator app, a stolen password alone no longer gets anyone in. It takes two minutes.
        </p>
        <p>
          <Link className="button button-primary" href="/settings/security">
            Turn on two-factor authentication
          </Link>
        </p>
      </section>
    );
  }
  if (backupCodesLeft > LOW_BACKUP_CODES) return null;
  return (
    <section className="panel highlight" aria-labelledby="security-codes-title">
      <h2 id="security-codes-title">
        {backupCodesLeft === 0
          ? 'You have no backup codes left'
          : `Only ${backupCodesLeft} backup code${backupCodesLeft === 1 ? '' : 's'} left`}
      </h2>
      <p>
        Backup codes are how you get in if your phone is lost. Make a new set and keep it somewhere safe; the
        old codes stop working.
      </p>
      <p>
        <Link className="button button-primary" href="/settings/security">
          Get new backup codes
        </Link>
      </p>
    </section>
  );
}
