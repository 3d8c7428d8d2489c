import Link from 'next/link';
import { SignOutButton } from '../sign-out-button';

/** The dashboard's markup, shared with the benchmark's baseline page (app/bench/dashboard). */
export function DashboardView({ email }: { email: string }) {
  return (
    <section className="card" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <p>Signed in as {email}</p>
      <nav aria-label="Account" className="actions">
        <Link className="button button-primary" href="/settings/security">
          Security settings
        </Link>
        <SignOutButton />
      </nav>
    </section>
  );
}
