import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DashboardView } from '../../(app)/dashboard/dashboard-view';

/**
 * Benchmark baseline only (`npm run bench`): the dashboard's markup with a fixed email and no
 * session lookup, outside middleware's matcher, so the bench can measure what the session check
 * costs. Rendered per request like the real page. A 404 unless the server runs with LATCHKEY_BENCH=1.
 */
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Dashboard' };

export default function BenchDashboardPage() {
  // Bench-only switch, read here rather than through lib/env.ts: it is not an app setting, only
  // bench/run.ts sets it, and with it unset this route does not exist.
  if (process.env.LATCHKEY_BENCH !== '1') notFound();
  return <DashboardView email="bench@example.com" />;
}
