import type { Metadata } from 'next';
import { inspectUndoLink } from '@/lib/auth/undo';
import { UndoForm } from './undo-form';

// The token is a secret: not sent on as a Referer, not indexed.
export const metadata: Metadata = {
  title: 'This wasn’t me',
  referrer: 'no-referrer',
  robots: { index: false, follow: false },
};

const WHAT: Record<'mfa_enabled' | 'email_change', string> = {
  mfa_enabled: 'Two-factor authentication was turned on for your account.',
  email_change: 'Someone asked to move your account to another email address.',
};

const UNDOES: Record<'mfa_enabled' | 'email_change', string> = {
  mfa_enabled: 'Turn two-factor authentication off again',
  email_change: 'Cancel the address change (or move the account back to this address)',
};

export default async function UndoPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  // Looking spends nothing: the button does, so a mail scanner opening the link cannot.
  const kind = await inspectUndoLink(token);
  return (
    <section className="card" aria-labelledby="undo-title">
      <h1 id="undo-title">This wasn’t me</h1>
      {kind ? (
        <>
          <p>{WHAT[kind]}</p>
          <p>If you did not do this, secure your account now. This will:</p>
          <ul>
            <li>{UNDOES[kind]}.</li>
            <li>Sign out every session of your account, including the one that made the change.</li>
          </ul>
          <p className="muted">It does not sign you in. Afterwards, choose a new password.</p>
        </>
      ) : null}
      {/* Always the form: without JavaScript its answer arrives on this page after the link is
          spent, and must show that answer, not "invalid". */}
      <UndoForm token={token} live={kind !== null} />
    </section>
  );
}
