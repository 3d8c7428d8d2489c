import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DashboardView } from '../../(app)/dashboard/dashboard-view';
import { SecurityCard } from '../../(app)/dashboard/security-card';
import { VerifyBanner } from '../../(app)/dashboard/verify-banner';

/**
 * Benchmark baseline only (`npm run bench`): the dashboard's markup with a fixed email and no
 * session lookup, outside middleware's matcher, so the bench can measure what the session check
 * costs. Rendered per request like the real page. A 404 unless the server runs with LATCHKEY_BENCH=1.
 */
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Dashboard' };

const BENCH_EMAIL = 'bench@example.com';

export default function BenchDashboardPage() {
  // Bench-only switch, read here rather than through lib/env.ts: it is not an app setting, only
  // bench/run.ts sets it, and with it unset this route does not exist.
  if (process.env.LATCHKEY_BENCH !== '1') notFound();
  // The bench's user has not verified its address and has two-factor off, so the real page shows
  // the banner and the nudge too.
  return (
    <DashboardView
      email={BENCH_EMAIL}
      banner={
        <>
          <VerifyBanner email={BENCH_EMAIL} />
          <SecurityCard mfaEnabled={false} backupCodesLeft={0} />
        </>
      }
    />
  );
}
