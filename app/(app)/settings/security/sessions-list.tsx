'use client';

import { LocalTime } from '@/components/ui/local-time';
import { VisuallyHidden } from '@/components/ui/visually-hidden';
import { useOneOrAll } from '@/components/use-one-or-all';
import { revokeOtherSessionsAction, revokeSessionAction, type SessionsState } from './actions';

export type SessionRow = {
  id: string;
  /** Shown on the item. */
  device: string;
  /** In the button's name: the device, told apart from the other sessions' when they share one. */
  name: string;
  current: boolean;
  api: boolean;
  ip: string;
  signedIn: { iso: string; utc: string };
  lastActive: { iso: string; utc: string };
};

function confirmation(state: SessionsState): { ok: boolean; text: string } {
  if (!state.ok) {
    return { ok: false, text: state.error ?? Object.values(state.fieldErrors ?? {})[0] ?? '' };
  }
  if (state.signedOut) return { ok: true, text: `Signed out ${state.signedOut}.` };
  const n = state.signedOutCount ?? 0;
  const t = state.trustedRemoved ?? 0;
  const trusted = t === 0 ? '' : ` Removed ${t} trusted device${t === 1 ? '' : 's'}.`;
  if (n === 0) return { ok: true, text: `There were no other sessions to sign out.${trusted}` };
  return { ok: true, text: `Signed out ${n} other session${n === 1 ? '' : 's'}.${trusted}` };
}

/**
 * The list and its buttons. After a sign-out the item goes (the page is revalidated) and focus
 * moves to a status message that says in words what happened, instead of falling to the page.
 */
export function SessionsList({ rows }: { rows: SessionRow[] }) {
  const { status, one, all } = useOneOrAll(revokeSessionAction, revokeOtherSessionsAction, confirmation);
  const others = rows.filter((r) => !r.current);

  return (
    <>
      {/* As the email and delete panels do: the message takes focus, and its role announces it. */}
      {status}
      <ul data-testid="sessions" className="list">
        {rows.map((r) => (
          <li key={r.id}>
            <div>
              <strong>{r.device}</strong>
              {r.current ? <span className="badge">This device</span> : null}
              {r.api ? (
                <span className="badge" title="Signed in through the API (a program or an app)">
                  API
                </span>
              ) : null}
              <div className="muted small">
                Signed in <LocalTime {...r.signedIn} /> · last active <LocalTime {...r.lastActive} />
              </div>
              {/* The address matters to few and means little to most: one step away. */}
              <details className="small muted">
                <summary>Details</summary>
                IP address {r.ip}
              </details>
            </div>
            {r.current ? null : (
              <form action={one.action} onSubmit={one.onSubmit}>
                <input type="hidden" name="sessionId" value={r.id} />
                <button type="submit" className="button button-secondary" disabled={one.pending}>
                  Sign out<VisuallyHidden>{` ${r.name}`}</VisuallyHidden>
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {others.length > 0 ? (
        <form action={all.action} onSubmit={all.onSubmit}>
          <button type="submit" className="button button-secondary" disabled={all.pending}>
            Sign out all other sessions
          </button>
        </form>
      ) : (
        <p className="muted small">No other sessions.</p>
      )}
    </>
  );
}
