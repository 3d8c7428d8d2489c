import { describe, expect, it, vi } from 'vitest';
import { recentEvents } from '@/lib/audit';
import { startSession } from '@/lib/auth/session-cookie';
import { createSession, listActiveSessions } from '@/lib/auth/sessions';
import { messages } from '@/lib/messages';
import { ctx, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { beginRequest, changedCookies, formOf } from '@/tests/request-scope';
import { revokeOtherSessionsAction, revokeSessionAction } from './actions';

vi.mock('next/headers', () => import('@/tests/request-scope'));
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

setupIntegration();

const NAME = 'latchkey.session';
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

async function signedIn() {
  const user = await makeUser();
  beginRequest();
  await startSession(user.id, false, ctx(uniqueIp(), CHROME_WINDOWS));
  const cookie = changedCookies()[0]?.value ?? '';
  const [own] = await listActiveSessions(user.id);
  if (!own) throw new Error('setup failed');
  const request = () => beginRequest({ [NAME]: cookie }, { 'x-latchkey-peer': uniqueIp() });
  return { user, own, request };
}

describe('signing out another session from settings', () => {
  it('says which session went, by the name its button had; once', async () => {
    const { user, request } = await signedIn();
    const firefox = await createSession(user.id, false, ctx(uniqueIp(), FIREFOX_LINUX));

    request();
    expect(await revokeSessionAction({ ok: false }, formOf({ sessionId: firefox.id }))).toEqual({
      ok: true,
      signedOut: 'Firefox on Linux',
    });
    expect((await recentEvents(user.id, 1))[0]).toMatchObject({
      type: 'session_revoked',
      detail: { count: 1 },
    });

    request();
    expect(await revokeSessionAction({ ok: false }, formOf({ sessionId: firefox.id }))).toEqual({
      ok: false,
      error: messages.sessionAlreadyEnded,
    });
  });

  it('names one of two sessions on the same device with its sign-in time', async () => {
    const { user, request } = await signedIn();
    const first = await createSession(user.id, false, ctx(uniqueIp(), FIREFOX_LINUX));
    await createSession(user.id, false, ctx(uniqueIp(), FIREFOX_LINUX));
    request();
    const state = await revokeSessionAction({ ok: false }, formOf({ sessionId: first.id }));
    expect(state.signedOut).toMatch(/^Firefox on Linux, signed in \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  });

  it('does not end this browser’s own session (Sign out does that)', async () => {
    const { user, own, request } = await signedIn();
    request();
    expect(await revokeSessionAction({ ok: false }, formOf({ sessionId: own.id }))).toEqual({
      ok: false,
      error: messages.badRequest,
    });
    expect((await listActiveSessions(user.id)).map((s) => s.id)).toEqual([own.id]);
  });

  it('signs out every other session and says how many', async () => {
    const { user, own, request } = await signedIn();
    await createSession(user.id, false, ctx(uniqueIp(), FIREFOX_LINUX));
    await createSession(user.id, false, ctx(uniqueIp(), CHROME_WINDOWS));
    request();
    expect(await revokeOtherSessionsAction({ ok: false }, formOf({}))).toEqual({
      ok: true,
      signedOutCount: 2,
      // No trusted devices to remove with them (trusted-devices-actions.test.ts has some).
      trustedRemoved: 0,
    });
    expect((await listActiveSessions(user.id)).map((s) => s.id)).toEqual([own.id]);
  });
});
