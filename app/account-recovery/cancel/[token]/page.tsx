import type { Metadata } from 'next';
import { inspectCancelLink } from '@/lib/auth/account-recovery';
import { CancelRecoveryForm } from '../../cancel-recovery-form';

// The token is a secret: not sent on as a Referer, not indexed.
export const metadata: Metadata = {
  title: 'Cancel account recovery',
  referrer: 'no-referrer',
  robots: { index: false, follow: false },
};

export default async function CancelRecoveryPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  // Looking spends nothing: the button does.
  const live = await inspectCancelLink(token);
  return (
    <section className="card" aria-labelledby="cancel-title">
      <h1 id="cancel-title">Cancel account recovery</h1>
      {live ? (
        <p>
          Someone asked to recover your account without its second factor. If it was not you, cancel it:
          nothing about your account changes. Then change your password, since whoever asked may know it.
        </p>
      ) : null}
      {/* Always the form: without JavaScript its answer arrives on this page and must be shown. */}
      <CancelRecoveryForm token={token} live={live} />
    </section>
  );
}
