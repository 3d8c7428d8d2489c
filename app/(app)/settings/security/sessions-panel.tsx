import type { SessionListItem } from '@/lib/auth/sessions';
import { describeDevice, formatWhen, sessionNames } from '@/lib/format';
import { type SessionRow, SessionsList } from './sessions-list';

/**
 * Where the account is signed in: this browser first (`This device`), then the others, newest
 * activity first, each with a `Sign out <device>` button whose name tells it from the rest.
 */
export function SessionsPanel({ sessions, currentId }: { sessions: SessionListItem[]; currentId: string }) {
  const others = sessions.filter((s) => s.id !== currentId);
  const names = sessionNames(others);
  const ordered = [...sessions.filter((s) => s.id === currentId), ...others];
  const rows: SessionRow[] = ordered.map((s) => ({
    id: s.id,
    device: describeDevice(s.userAgent),
    name: names.get(s.id) ?? describeDevice(s.userAgent),
    current: s.id === currentId,
    api: s.client === 'api',
    ip: s.ipAddress ?? 'unknown address',
    signedIn: { iso: s.createdAt.toISOString(), utc: formatWhen(s.createdAt) },
    lastActive: { iso: s.lastSeenAt.toISOString(), utc: formatWhen(s.lastSeenAt) },
  }));
  return (
    <section className="panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you’re signed in</h2>
      <SessionsList rows={rows} />
    </section>
  );
}
