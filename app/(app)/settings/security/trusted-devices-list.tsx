'use client';

import { LocalTime } from '@/components/ui/local-time';
import { useOneOrAll } from '@/components/use-one-or-all';
import {
  removeAllTrustedDevicesAction,
  removeTrustedDeviceAction,
  type TrustedDevicesState,
} from './trusted-devices-actions';

export type TrustedDeviceRow = {
  id: string;
  /** "Chrome on Windows": the sessions list's name for a browser (lib/format describeDevice). */
  name: string;
  ip: string;
  trusted: { iso: string; utc: string };
  lastUsed: { iso: string; utc: string };
  expires: { iso: string; utc: string };
};

function confirmation(state: TrustedDevicesState): { ok: boolean; text: string } {
  if (!state.ok) {
    return { ok: false, text: state.error ?? Object.values(state.fieldErrors ?? {})[0] ?? '' };
  }
  if (state.removed)
    return { ok: true, text: `Removed ${state.removed}. It will be asked for a code again.` };
  const n = state.removedCount ?? 0;
  if (n === 0) return { ok: true, text: 'There were no trusted devices to remove.' };
  return {
    ok: true,
    text: `Removed ${n} trusted device${n === 1 ? '' : 's'}. Each will be asked for a code again.`,
  };
}

/**
 * The list and its buttons, as the sessions list does it: plain forms posting to server actions
 * (so they work before JavaScript runs); after a removal the item goes (the page is revalidated)
 * and focus moves to a message saying in words what happened, instead of falling to the page.
 * Every per-device button is named `Remove` (the contract) and described by its device's name
 * and dates, so a screen reader tells them apart.
 */
export function TrustedDevicesList({ rows, empty }: { rows: TrustedDeviceRow[]; empty: string }) {
  const { status, one, all } = useOneOrAll(
    removeTrustedDeviceAction,
    removeAllTrustedDevicesAction,
    confirmation,
  );

  return (
    <>
      {status}
      {rows.length === 0 ? (
        <p className="muted small" data-testid="trusted-devices-empty">
          {empty}
        </p>
      ) : (
        <ul data-testid="trusted-devices" className="list">
          {rows.map((r) => {
            // The hash is long; its first characters are unique enough for ids within one page.
            const key = `trusted-${r.id.slice(0, 16)}`;
            return (
              <li key={r.id}>
                <div>
                  <strong id={`${key}-name`}>{r.name}</strong>
                  <div id={`${key}-when`} className="muted small">
                    Trusted <LocalTime {...r.trusted} /> · last used <LocalTime {...r.lastUsed} /> · until{' '}
                    <LocalTime {...r.expires} />
                  </div>
                  <details className="small muted">
                    <summary>Details</summary>
                    Trusted from IP address {r.ip}
                  </details>
                </div>
                <form action={one.action} onSubmit={one.onSubmit}>
                  <input type="hidden" name="deviceId" value={r.id} />
                  <button
                    type="submit"
                    className="button button-secondary"
                    disabled={one.pending}
                    aria-describedby={`${key}-name ${key}-when`}
                  >
                    Remove
                  </button>
                </form>
              </li>
            );
          })}
        </ul>
      )}
      {rows.length > 0 ? (
        <form action={all.action} onSubmit={all.onSubmit}>
          <button type="submit" className="button button-secondary" disabled={all.pending}>
            Remove all
          </button>
        </form>
      ) : null}
    </>
  );
}
