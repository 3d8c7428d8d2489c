import type { Metadata } from 'next';
import { VerifyEmailForm } from './verify-email-form';

export const metadata: Metadata = { title: 'Verify email address', referrer: 'no-referrer' };

export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return (
    <section className="card" aria-labelledby="verify-email-title">
      <h1 id="verify-email-title">Verify your email address</h1>
      <p className="muted">Confirm that this address belongs to you.</p>
      <VerifyEmailForm token={token} />
    </section>
  );
}
