import type { Metadata } from 'next';
import Link from 'next/link';
import { requireSession } from '@/lib/auth/dal';
import { SignOutButton } from '../sign-out-button';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage() {
  const session = await requireSession('/dashboard');
  return (
    <section className="card" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <p>Signed in as {session.email}</p>
      <nav aria-label="Account" className="actions">
        <Link className="button button-primary" href="/settings/security">
          Security settings
        </Link>
        <SignOutButton />
      </nav>
    </section>
  );
}
