import type { Metadata } from 'next';
import { Alert } from '@/components/ui/alert';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { messages } from '@/lib/messages';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  return (
    <section className="card" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      {params.ended === '1' ? <Alert tone="info">{messages.sessionEnded}</Alert> : null}
      {params.notice === 'mfa-expired' ? <Alert tone="info">{messages.challengeExpired}</Alert> : null}
      {params.notice === 'mfa-exhausted' ? <Alert>{messages.challengeExhausted}</Alert> : null}
      {params.notice === 'account-locked' ? <Alert>{messages.accountLocked}</Alert> : null}
      {params.notice === 'password-reset' ? <Alert tone="success">{messages.passwordReset}</Alert> : null}
      {params.notice === 'account-created' ? (
        <Alert tone="info">{messages.accountCreatedSignIn}</Alert>
      ) : null}
      {params.notice === 'signed-out-here' ? <Alert tone="info">{messages.signedOutHereOnly}</Alert> : null}
      <LoginForm callbackUrl={callbackUrl} />
    </section>
  );
}
