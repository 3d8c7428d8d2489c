import type { AuditEventDTO } from '@/lib/audit';
import { describeDevice, formatWhen } from '@/lib/format';
import { activityLabel } from './activity-labels';

export function ActivityPanel({ events }: { events: AuditEventDTO[] }) {
  return (
    <section className="panel" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent security activity</h2>
      <ol data-testid="security-activity" className="list">
        {events.map((e) => (
          <li key={e.id}>
            <div>
              <strong>{activityLabel(e)}</strong>
              <div className="muted small">
                {formatWhen(e.createdAt)} · {e.ipAddress ?? 'unknown address'} · {describeDevice(e.userAgent)}
              </div>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
