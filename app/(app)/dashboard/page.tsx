import type { Metadata } from 'next';
import { requireSession } from '@/lib/auth/dal';
import { roleOf } from '@/lib/auth/roles';
import { backupCodesLeft as countBackupCodesLeft } from '@/lib/mfa/backup-code-factor';
import { DashboardView } from './dashboard-view';
import { SecurityCard } from './security-card';
import { VerifyBanner } from './verify-banner';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const session = await requireSession('/dashboard');
  // Counted only when two-factor is on: a page load pays for the query only when it can matter.
  const [backupCodesLeft, role] = await Promise.all([
    session.mfaEnabled ? countBackupCodesLeft(session.userId) : 0,
    roleOf(session.userId),
  ]);
  return (
    <DashboardView
      email={session.email}
      admin={role === 'admin'}
      banner={
        <>
          {session.emailVerified ? null : <VerifyBanner email={session.email} />}
          <SecurityCard mfaEnabled={session.mfaEnabled} backupCodesLeft={backupCodesLeft} />
        </>
      }
    />
  );
}
