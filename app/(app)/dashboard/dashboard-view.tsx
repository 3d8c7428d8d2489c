import Link from 'next/link';
import type { ReactNode } from 'react';
import { SignOutButton } from '../sign-out-button';

/** The dashboard's markup, shared with the benchmark's baseline page (app/bench/dashboard). */
export function DashboardView({
  email,
  banner,
  admin = false,
}: {
  email: string;
  banner?: ReactNode;
  /** An administrator (the role read from the database for this request): a link to /admin. */
  admin?: boolean;
}) {
  return (
    <div className="stack">
      {banner}
      <section className="card wide" aria-labelledby="dashboard-title">
        <h1 id="dashboard-title">Dashboard</h1>
        <p>Signed in as {email}</p>
        <nav aria-label="Account" className="actions">
          <Link className="button button-primary" href="/settings/security">
            Security settings
          </Link>
          {admin ? (
            <Link className="button button-secondary" href="/admin">
              Admin
            </Link>
          ) : null}
          <SignOutButton />
        </nav>
      </section>
    </div>
  );
}
