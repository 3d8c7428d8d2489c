/**
 * The page's first answer, as the big providers' security checkups give it: how the account is
 * protected, each fact a link to its section (the headings' ids). Then a way to jump between the
 * sections, since the page is long.
 */
const SECTIONS = [
  ['mfa-title', 'Two-factor authentication'],
  ['password-title', 'Password'],
  ['email-title', 'Email'],
  ['sessions-title', 'Where you’re signed in'],
  ['trusted-devices-title', 'Trusted devices'],
  ['activity-title', 'Recent activity'],
  ['data-title', 'Your data'],
  ['delete-title', 'Delete account'],
] as const;

export function SecuritySummary({
  mfaEnabled,
  backupCodesLeft,
  emailVerified,
  sessions,
  trustedDevices,
}: {
  mfaEnabled: boolean;
  backupCodesLeft: number;
  emailVerified: boolean;
  sessions: number;
  trustedDevices: number;
}) {
  return (
    <section className="panel" aria-labelledby="summary-title" data-testid="security-summary">
      <h2 id="summary-title">Your security at a glance</h2>
      <ul className="summary">
        <li>
          <a href="#mfa-title">Two-factor authentication</a>:{' '}
          <span className={mfaEnabled ? 'status status-on' : 'status status-off'}>
            {mfaEnabled ? 'on' : 'off'}
          </span>
        </li>
        {mfaEnabled ? (
          <li>
            <a href="#mfa-title">Backup codes</a>: {backupCodesLeft} left
          </li>
        ) : null}
        <li>
          <a href="#email-title">Email</a>: {emailVerified ? 'verified' : 'not verified'}
        </li>
        <li>
          <a href="#sessions-title">Signed in</a>: {sessions} session{sessions === 1 ? '' : 's'}
        </li>
        {trustedDevices > 0 ? (
          <li>
            <a href="#trusted-devices-title">Trusted devices</a>: {trustedDevices} (no code asked on{' '}
            {trustedDevices === 1 ? 'it' : 'them'})
          </li>
        ) : null}
      </ul>
      <nav aria-label="Sections of this page">
        <ul className="jump">
          {SECTIONS.map(([id, label]) => (
            <li key={id}>
              <a href={`#${id}`}>{label}</a>
            </li>
          ))}
        </ul>
      </nav>
    </section>
  );
}
