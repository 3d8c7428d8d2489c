import type { TrustedDeviceItem } from '@/lib/auth/trusted-devices';
import { describeDevice, formatWhen } from '@/lib/format';
import { type TrustedDeviceRow, TrustedDevicesList } from './trusted-devices-list';

const at = (d: Date) => ({ iso: d.toISOString(), utc: formatWhen(d) });

/**
 * Browsers that skip the second step for this account (`Trust this device for 30 days`), named
 * as the sessions are, most recently used first, each with a `Remove` button; `Remove all`.
 */
export function TrustedDevicesPanel({
  devices,
  mfaEnabled,
}: {
  devices: TrustedDeviceItem[];
  mfaEnabled: boolean;
}) {
  const rows: TrustedDeviceRow[] = devices.map((d) => ({
    id: d.id,
    name: describeDevice(d.userAgent),
    ip: d.ipAddress ?? 'unknown address',
    trusted: at(d.createdAt),
    lastUsed: at(d.lastUsedAt),
    expires: at(d.expiresAt),
  }));
  return (
    <section className="panel" aria-labelledby="trusted-devices-title">
      <h2 id="trusted-devices-title">Trusted devices</h2>
      <p className="muted">
        A trusted device is asked for your password but not for a code, for 30 days from when you trusted it.
        Changing or resetting your password, turning two-factor authentication off, or signing out all other
        sessions removes every one.
      </p>
      <TrustedDevicesList
        rows={rows}
        empty={
          mfaEnabled
            ? 'No trusted devices. When you sign in, tick “Trust this device for 30 days” on the code step to skip it on that browser.'
            : 'No trusted devices. Trusting a device skips the code step, so it needs two-factor authentication on.'
        }
      />
    </section>
  );
}
