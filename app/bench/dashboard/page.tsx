import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SignOutButton } from '../../(app)/sign-out-button';

/**
 * Benchmark baseline only (`npm run bench`): the same markup as app/(app)/dashboard/page.tsx, with
 * a fixed email and no session lookup, and outside middleware's matcher, so the bench can measure
 * what the session check costs. Rendered per request like the real page. Absent (404) unless the
 * server was started with LATCHKEY_BENCH=1.
 */
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Dashboard' };

const BENCH_EMAIL = 'bench@example.com';

export default function BenchDashboardPage() {
  // Bench-only switch, read here on purpose rather than through lib/env.ts: it is not an app
  // setting, only bench/run.ts sets it, and with it unset this route does not exist.
  if (process.env.LATCHKEY_BENCH !== '1') notFound();
  return (
    <section className="card" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      <p>Signed in as {BENCH_EMAIL}</p>
      <nav aria-label="Account" className="actions">
        <Link className="button button-primary" href="/settings/security">
          Security settings
        </Link>
        <SignOutButton />
      </nav>
    </section>
  );
}
