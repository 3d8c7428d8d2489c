import type { Metadata } from 'next';
import { requireSession } from '@/lib/auth/dal';
import { DashboardView } from './dashboard-view';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const session = await requireSession('/dashboard');
  return <DashboardView email={session.email} />;
}
