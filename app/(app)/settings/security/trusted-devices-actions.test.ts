import { afterEach, describe, expect, it, vi } from 'vitest';
import { recentEvents } from '@/lib/audit';
import { startSession } from '@/lib/auth/session-cookie';
import { checkTrustedDevice, listTrustedDevices, trustThisDevice } from '@/lib/auth/trusted-devices';
import { hashToken } from '@/lib/crypto/tokens';
import { noticesSettled } from '@/lib/email/notices';
import { messages } from '@/lib/messages';
import { ctx, uniqueIp } from '@/tests/helpers';
import { setupIntegration } from '@/tests/integration';
import { enrolledUser, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies, formOf } from '@/tests/request-scope';
import { revokeOtherSessionsAction } from './actions';
import { removeAllTrustedDevicesAction, removeTrustedDeviceAction } from './trusted-devices-actions';

vi.mock('next/headers', () => import('@/tests/request-scope'));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

tempOutbox('trusted-actions');
setupIntegration();
afterEach(async () => {
  await noticesSettled();
  vi.useRealTimers();
});

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/** An account with two-factor on, signed in on this browser, and `n` trusted browsers. */
async function withTrustedDevices(n: number) {
  freezeClock();
  const user = await enrolledUser();
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    beginRequest();
    await trustThisDevice(user.id, ctx(uniqueIp(), CHROME_WINDOWS));
    const cookie = changedCookies().find((c) => c.name.includes('latchkey.trusted.'));
    tokens.push(cookie?.value ?? '');
  }
  beginRequest();
  await startSession(user.id, false, ctx(), true);
  const session = changedCookies().find((c) => c.name === 'latchkey.session')?.value ?? '';
  const request = () => beginRequest({ 'latchkey.session': session }, { 'x-latchkey-peer': uniqueIp() });
  return { user, tokens, request };
}

describe('the trusted-devices panel’s actions', () => {
  it('Remove: that device only, named in the answer; a second press says it was already gone', async () => {
    const { user, tokens, request } = await withTrustedDevices(2);
    const [one = '', two = ''] = tokens;
    request();
    const state = await removeTrustedDeviceAction({ ok: false }, formOf({ deviceId: hashToken(one) }));
    expect(state).toMatchObject({ ok: true });
    expect(state.removed).toMatch(/^Chrome on Windows, trusted \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(await checkTrustedDevice(user.id, one)).toBe(false);
    expect(await checkTrustedDevice(user.id, two)).toBe(true);
    request();
    expect(await removeTrustedDeviceAction({ ok: false }, formOf({ deviceId: hashToken(one) }))).toEqual({
      ok: false,
      error: messages.trustedDeviceAlreadyRemoved,
    });
  });

  it('Remove refuses anything but a device handle, and another account’s device', async () => {
    const { request } = await withTrustedDevices(0);
    const other = await withTrustedDevices(1);
    request();
    expect(
      await removeTrustedDeviceAction({ ok: false }, formOf({ deviceId: hashToken(other.tokens[0] ?? '') })),
    ).toEqual({ ok: false, error: messages.trustedDeviceAlreadyRemoved });
    expect(await checkTrustedDevice(other.user.id, other.tokens[0] ?? '')).toBe(true);
    request();
    expect(await removeTrustedDeviceAction({ ok: false }, formOf({ deviceId: 'x' }))).toMatchObject({
      ok: false,
      fieldErrors: { deviceId: expect.any(String) },
    });
  });

  it('Remove all: every one, counted in the answer and in the activity', async () => {
    const { user, tokens, request } = await withTrustedDevices(3);
    request();
    expect(await removeAllTrustedDevicesAction({ ok: false }, formOf({}))).toEqual({
      ok: true,
      removedCount: 3,
    });
    for (const token of tokens) expect(await checkTrustedDevice(user.id, token)).toBe(false);
    // Found by type, not as the newest row: events written in the same millisecond come in the
    // database's own order (on PostgreSQL a `trusted_device_added` came back first once).
    const events = await recentEvents(user.id, 10);
    expect(events.filter((e) => e.type === 'trusted_device_removed').map((e) => e.detail)).toEqual([
      { count: 3, reason: 'removed_all' },
    ]);
  });

  it('Sign out all other sessions removes every trusted device too, and says so', async () => {
    const { user, request } = await withTrustedDevices(2);
    request();
    expect(await revokeOtherSessionsAction({ ok: false }, formOf({}))).toMatchObject({
      ok: true,
      trustedRemoved: 2,
    });
    expect(await listTrustedDevices(user.id)).toEqual([]);
    const events = await recentEvents(user.id, 5);
    expect(events.find((e) => e.type === 'trusted_device_removed')?.detail).toEqual({
      count: 2,
      reason: 'signed_out_everywhere',
    });
  });
});
