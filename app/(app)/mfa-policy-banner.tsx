import Link from 'next/link';
import { formatDay, formatWhen } from '@/lib/format';

/**
 * On every signed-in page while the role policy's grace period runs (lib/auth/mfa-policy.ts): by
 * when, and the way to the set-up. A status region, so a screen reader announces it without
 * taking focus from the page.
 */
export function MfaPolicyBanner({ until }: { until: Date }) {
  return (
    <section className="panel highlight policy-banner" role="status" aria-labelledby="mfa-policy-title">
      <h2 id="mfa-policy-title">Two-factor authentication required</h2>
      <p data-testid="mfa-policy-deadline">
        Your role requires two-factor authentication. Set it up by{' '}
        <time dateTime={until.toISOString()} title={formatWhen(until)}>
          {formatDay(until)}
        </time>{' '}
        ({formatWhen(until).slice(11)}). After that, this account can reach only the set-up until it is on.
      </p>
      <p>
        <Link className="button" href="/settings/security#two-factor">
          Set up two-factor authentication
        </Link>
      </p>
    </section>
  );
}
