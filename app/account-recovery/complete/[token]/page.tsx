import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { inspectRecoveryLink } from '@/lib/auth/account-recovery';
import { formatWhen } from '@/lib/format';
import { messages } from '@/lib/messages';
import { CancelRecoveryForm } from '../../cancel-recovery-form';
import { CompleteRecoveryForm } from './complete-recovery-form';

// The token is in the URL: no Referer may carry it to another site, and no index may keep it.
export const metadata: Metadata = {
  title: 'Complete account recovery',
  referrer: 'no-referrer',
  robots: { index: false, follow: false },
};

export default async function CompleteRecoveryPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  // A peek only decides what to show; the action spends the link.
  const link = await inspectRecoveryLink(token);
  return (
    <section className="card" aria-labelledby="complete-title">
      <h1 id="complete-title">Complete account recovery</h1>
      {link.state === 'invalid' ? (
        <>
          <Alert>{messages.recoveryLinkInvalid}</Alert>
          <p>
            <Link href="/account-recovery">Ask for a new recovery link</Link>
          </p>
        </>
      ) : null}
      {link.state === 'waiting' ? (
        <>
          <p data-testid="recovery-usable-at">
            This recovery can be completed from <strong>{formatWhen(link.usableAt)}</strong>. Open this link
            again then.
          </p>
          <p className="muted">Did not ask for it, or found your authenticator app? Cancel it:</p>
          <CancelRecoveryForm token={token} live />
        </>
      ) : null}
      {link.state === 'ready' ? (
        <>
          <p className="muted">
            For <strong>{link.email}</strong>. Enter the account’s password: two-factor authentication will be
            turned off, every session signed out, and you can set it up again.
          </p>
          <CompleteRecoveryForm token={token} email={link.email} />
        </>
      ) : null}
    </section>
  );
}
