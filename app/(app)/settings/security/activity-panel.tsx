import Link from 'next/link';
import { LocalTime } from '@/components/ui/local-time';
import type { AuditEventDTO, AuditType } from '@/lib/audit';
import { describeDevice, formatWhen } from '@/lib/format';
import { activityLabel } from './activity-labels';

/**
 * Refusals worth a second look, each with the action that answers it: a wrong password means
 * someone may be guessing; a wrong second-step code means someone had the password.
 */
const WASNT_YOU: Partial<Record<AuditType, { href: string; text: string }>> = {
  sign_in_failure: { href: '#mfa-title', text: 'Wasn’t you? Turn on two-factor authentication' },
  sign_in_rate_limited: { href: '#mfa-title', text: 'Wasn’t you? Turn on two-factor authentication' },
  mfa_verify_failure: { href: '#password-title', text: 'Wasn’t you? Someone knew your password: change it' },
  mfa_locked: { href: '#password-title', text: 'Wasn’t you? Someone knew your password: change it' },
  password_recheck_failed: { href: '#sessions-title', text: 'Wasn’t you? Sign out the other sessions' },
  refresh_token_reused: { href: '#password-title', text: 'Wasn’t you? Change your password' },
};

/** How many more events `Show more` adds, and the most the page lists. */
export const ACTIVITY_PAGE = 20;
export const ACTIVITY_MAX = 200;

export function ActivityPanel({
  events,
  limit,
  mfaEnabled,
}: {
  events: AuditEventDTO[];
  limit: number;
  mfaEnabled: boolean;
}) {
  const more = events.length >= limit && limit < ACTIVITY_MAX;
  return (
    <section className="panel" aria-labelledby="activity-title">
      <h2 id="activity-title" tabIndex={-1}>
        Recent security activity
      </h2>
      <ol data-testid="security-activity" className="list">
        {events.map((e) => {
          const hint = WASNT_YOU[e.type];
          const failed = hint !== undefined;
          return (
            <li key={e.id} className={failed ? 'event-failure' : undefined}>
              <div>
                <strong>
                  {failed ? <span className="badge badge-danger">Refused</span> : null} {activityLabel(e)}
                </strong>
                <div className="muted small">
                  <LocalTime iso={e.createdAt.toISOString()} utc={formatWhen(e.createdAt)} /> ·{' '}
                  {describeDevice(e.userAgent)} · {e.ipAddress ?? 'unknown address'}
                </div>
                {hint && !(hint.href === '#mfa-title' && mfaEnabled) ? (
                  <a className="small" href={hint.href}>
                    {hint.text}
                  </a>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      {more ? (
        // A link, so it works without JavaScript; the page comes back at this list.
        <Link
          className="button button-secondary"
          href={`/settings/security?activity=${Math.min(limit + ACTIVITY_PAGE, ACTIVITY_MAX)}#activity-title`}
          scroll={false}
        >
          Show more
        </Link>
      ) : null}
    </section>
  );
}
