import type { Metadata } from 'next';
import { requireSession } from '@/lib/auth/dal';
import { backupCodesLeft as countBackupCodesLeft } from '@/lib/mfa/backup-code-factor';
import { DashboardView } from './dashboard-view';
import { SecurityCard } from './security-card';
import { VerifyBanner } from './verify-banner';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const session = await requireSession('/dashboard');
  // Counted only when two-factor is on: a page load pays for the query only when it can matter.
  const backupCodesLeft = session.mfaEnabled ? await countBackupCodesLeft(session.userId) : 0;
  return (
    <DashboardView
      email={session.email}
      banner={
        <>
          {session.emailVerified ? null : <VerifyBanner email={session.email} />}
          <SecurityCard mfaEnabled={session.mfaEnabled} backupCodesLeft={backupCodesLeft} />
        </>
      }
    />
  );
}
