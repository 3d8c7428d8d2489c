import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { recentEvents } from '@/lib/audit';
import { requireSession } from '@/lib/auth/dal';
import { twoFactorRequired } from '@/lib/auth/mfa-policy';
import { listActiveSessions } from '@/lib/auth/sessions';
import { listTrustedDevices } from '@/lib/auth/trusted-devices';
import { env } from '@/lib/env';
import { formatWhen } from '@/lib/format';
import { mfaStatus } from '@/lib/mfa/factors';
import { SignOutButton } from '../../sign-out-button';
import { ACTIVITY_MAX, ACTIVITY_PAGE, ActivityPanel } from './activity-panel';
import { DataPanel } from './data-panel';
import { DeleteAccountPanel } from './delete-account-panel';
import { EmailPanel } from './email-panel';
import { PasswordPanel } from './password-panel';
import { SecuritySummary } from './security-summary';
import { SessionsPanel } from './sessions-panel';
import { TrustedDevicesPanel } from './trusted-devices-panel';
import { TwoFactorPanel } from './two-factor-panel';

export const metadata: Metadata = { title: 'Security settings' };

export default async function SecuritySettingsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // The one page open to an account the two-factor policy holds (past its grace period, two-factor
  // off): it shows that account only why, the set-up and a way out. The same tree either way, with
  // the sections left out: turning two-factor on re-renders this page in full, and the two-factor
  // panel (showing the new backup codes) must stay mounted through it.
  const session = await requireSession('/settings/security', { duringEnrollment: true });
  const setUpOnly = session.mfaPolicy.kind === 'enforced';
  // `Show more` asks for a longer list (?activity=40, …), within bounds whatever the URL says.
  const params = await searchParams;
  const asked = Number(params.activity);
  const limit = Number.isInteger(asked)
    ? Math.min(Math.max(asked, ACTIVITY_PAGE), ACTIVITY_MAX)
    : ACTIVITY_PAGE;
  const [status, sessions, trustedDevices, events, required] = await Promise.all([
    mfaStatus(session.userId),
    setUpOnly ? [] : listActiveSessions(session.userId),
    setUpOnly ? [] : listTrustedDevices(session.userId),
    setUpOnly ? [] : recentEvents(session.userId, limit, Math.max(5, Math.floor(limit / 4))),
    twoFactorRequired(session.userId),
  ]);
  return (
    <div className="stack wide">
      <section className="card wide" aria-labelledby="security-title">
        <h1 id="security-title">{setUpOnly ? 'Set up two-factor authentication' : 'Security settings'}</h1>
        <p>
          Account: <strong>{session.email}</strong>
        </p>
        {setUpOnly ? (
          <Alert>
            Your role requires two-factor authentication, and the time to set it up has passed. Until it is
            on, this account can reach only this set-up: set up an authenticator app below, or sign out.
          </Alert>
        ) : (
          <p data-testid="current-session" className="muted">
            This session started {formatWhen(session.createdAt)} from{' '}
            <span data-testid="current-session-ip">{session.ipAddress ?? 'an unknown address'}</span>;{' '}
            {session.remember
              ? 'remembered on this device until'
              : 'it ends when you close the browser, or at'}{' '}
            {formatWhen(session.expiresAt)}.
          </p>
        )}
        <nav aria-label="Account" className="actions">
          {setUpOnly ? null : (
            <Link className="button button-secondary" href="/dashboard">
              Back to dashboard
            </Link>
          )}
          <SignOutButton />
        </nav>
      </section>
      {setUpOnly ? null : (
        <SecuritySummary
          mfaEnabled={status.enabled}
          backupCodesLeft={status.backupCodesLeft}
          emailVerified={session.emailVerified}
          sessions={sessions.length}
          trustedDevices={trustedDevices.length}
        />
      )}
      <TwoFactorPanel
        enabled={status.enabled}
        backupCodesLeft={status.backupCodesLeft}
        account={session.email}
        appName={env().APP_NAME}
        required={required}
        startSetUpOpen={params.setup === '1' && !status.enabled}
      />
      {setUpOnly ? null : (
        <>
          <PasswordPanel email={session.email} appName={env().APP_NAME} />
          <EmailPanel verified={session.emailVerified} mfaEnabled={status.enabled} />
          <SessionsPanel sessions={sessions} currentId={session.id} />
          <TrustedDevicesPanel devices={trustedDevices} mfaEnabled={status.enabled} />
          <ActivityPanel events={events} limit={limit} mfaEnabled={status.enabled} />
          <DataPanel />
          {/* Last and apart: the one change that cannot be undone. */}
          <div className="danger-zone">
            <DeleteAccountPanel mfaEnabled={status.enabled} />
          </div>
        </>
      )}
    </div>
  );
}
