import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { inspectResetLink } from '@/lib/auth/password-reset';
import { env } from '@/lib/env';
import { messages } from '@/lib/messages';
import { ResetPasswordForm } from './reset-password-form';

// The token is in the URL: no Referer may carry it to another site, and no index may keep it.
export const metadata: Metadata = {
  title: 'Reset your password',
  referrer: 'no-referrer',
  robots: { index: false, follow: false },
};

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  // A peek only decides whether to show the form; the action spends the link.
  const link = await inspectResetLink(token);
  return (
    <section className="card" aria-labelledby="reset-title">
      <h1 id="reset-title">Reset your password</h1>
      {link ? (
        <>
          <p className="muted">
            For <strong>{link.email}</strong>. Every session of the account will be signed out.
          </p>
          <ResetPasswordForm
            token={token}
            email={link.email}
            mfaRequired={link.mfaRequired}
            appName={env().APP_NAME}
          />
        </>
      ) : (
        <>
          <Alert>{messages.resetLinkInvalid}</Alert>
          <p>
            <Link href="/forgot-password">Ask for a new reset link</Link>
          </p>
        </>
      )}
    </section>
  );
}
