import type { Metadata } from 'next';
import { AccountRecoveryForm } from './account-recovery-form';

export const metadata: Metadata = { title: 'Account recovery' };

export default function AccountRecoveryPage() {
  return (
    <section className="card" aria-labelledby="recovery-title">
      <h1 id="recovery-title">Recover your account</h1>
      <p className="muted">
        Lost your authenticator app and your backup codes? Enter the verified email address of your account.
        We will send it a link that lets you sign in with your password and set up two-factor authentication
        again, after a waiting period. Until then, the email lets you cancel it, and signing in with your
        authenticator app or a backup code cancels it too.
      </p>
      <AccountRecoveryForm />
    </section>
  );
}
