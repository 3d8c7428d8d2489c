import type { Metadata } from 'next';
import { requireSession } from '@/lib/auth/dal';
import { DashboardView } from './dashboard-view';
import { VerifyBanner } from './verify-banner';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const session = await requireSession('/dashboard');
  return (
    <DashboardView
      email={session.email}
      banner={session.emailVerified ? null : <VerifyBanner email={session.email} />}
    />
  );
}
