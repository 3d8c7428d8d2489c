import Link from 'next/link';

export default function HomePage() {
  return (
    <section className="hero" aria-labelledby="hero-title">
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
