import type { Metadata } from 'next';
import Link from 'next/link';
import { requireSession } from '@/lib/auth/dal';
import { SignOutButton } from '../../sign-out-button';

export const metadata: Metadata = { title: 'Security settings' };

export default async function SecuritySettingsPage() {
  const session = await requireSession('/settings/security');
  return (
    <section className="card wide" aria-labelledby="security-title">
      <h1 id="security-title">Security settings</h1>
      <p>
        Account: <strong>{session.email}</strong>
      </p>
      <p data-testid="current-session">
        This session started{' '}
        <time dateTime={session.createdAt.toISOString()}>{session.createdAt.toUTCString()}</time> from{' '}
        <span data-testid="current-session-ip">{session.ipAddress ?? 'an unknown address'}</span>.
      </p>
      <p className="muted">
        It{' '}
        {session.remember ? 'is remembered on this device until' : 'ends when you close the browser, or at'}{' '}
        <time dateTime={session.expiresAt.toISOString()}>{session.expiresAt.toUTCString()}</time>.
      </p>
      <nav aria-label="Account" className="actions">
        <Link className="button button-secondary" href="/dashboard">
          Back to dashboard
        </Link>
        <SignOutButton />
      </nav>
    </section>
  );
}
