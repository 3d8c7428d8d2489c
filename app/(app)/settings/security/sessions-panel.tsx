import type { SessionListItem } from '@/lib/auth/sessions';
import { describeDevice, formatWhen } from '@/lib/format';
import { revokeOtherSessionsAction, revokeSessionAction } from './actions';

export function SessionsPanel({ sessions, currentId }: { sessions: SessionListItem[]; currentId: string }) {
  const others = sessions.filter((s) => s.id !== currentId);
  return (
    <section className="panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you’re signed in</h2>
      <ul data-testid="sessions" className="list">
        {sessions.map((s) => (
          <li key={s.id}>
            <div>
              <strong>{describeDevice(s.userAgent)}</strong>
              {s.id === currentId ? <span className="badge">This device</span> : null}
              {s.client === 'api' ? (
                <span className="badge" title="Signed in through the API (a program or an app)">
                  API
                </span>
              ) : null}
              <div className="muted small">
                {s.ipAddress ?? 'unknown address'} · signed in {formatWhen(s.createdAt)} · last active{' '}
                {formatWhen(s.lastSeenAt)}
              </div>
            </div>
            {s.id !== currentId ? (
              <form action={revokeSessionAction}>
                <input type="hidden" name="sessionId" value={s.id} />
                <button type="submit" className="button button-secondary">
                  Sign out
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
      {others.length > 0 ? (
        <form action={revokeOtherSessionsAction}>
          <button type="submit" className="button button-secondary">
            Sign out all other sessions
          </button>
        </form>
      ) : (
        <p className="muted small">No other sessions.</p>
      )}
    </section>
  );
}
