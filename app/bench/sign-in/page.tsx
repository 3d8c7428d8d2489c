import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { BenchSignInForm } from './form';

/**
 * Benchmark baseline only (`npm run bench`): see ./actions.ts. A 404 unless the server runs with
 * LATCHKEY_BENCH=1.
 */
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign in (bench baseline)' };

export default function BenchSignInPage() {
  if (process.env.LATCHKEY_BENCH !== '1') notFound();
  return (
    <section className="card">
      <h1>Sign in (bench baseline)</h1>
      <BenchSignInForm />
    </section>
  );
}
