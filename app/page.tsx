import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { messages } from '@/lib/messages';

export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Set by the account deletion action, whose browser has no account left to show it in.
  const { deleted } = await searchParams;
  return (
    <section className="hero" aria-labelledby="hero-title">
      {deleted === '1' ? <Alert tone="success">{messages.accountDeleted}</Alert> : null}
      <h1 id="hero-title">Your account, latched properly.</h1>
      <p className="lead">
        Latchkey is an open account-security app: strong password storage, authenticator-app codes that work
        once, backup codes you see once, and a clear record of what happened to your account.
      </p>
      <div className="actions">
        <Link className="button button-primary" href="/register">
          Create account
        </Link>
        <Link className="button button-secondary" href="/login">
          Sign in
        </Link>
      </div>
    </section>
  );
}
