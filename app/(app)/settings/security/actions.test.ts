import { afterEach, describe, expect, it, vi } from 'vitest';
import { REMEMBER_MAX_AGE_S, readSessionCookie } from '@/lib/auth/auth.config';
import { startSession } from '@/lib/auth/session-cookie';
import { validateSession } from '@/lib/auth/sessions';
import { beginEnrollment } from '@/lib/mfa/totp-factor';
import { ctx, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { codeNow, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies, formOf } from '@/tests/request-scope';
import { enableAction } from './actions';

vi.mock('next/headers', () => import('@/tests/request-scope'));
// The page cache belongs to a running Next server; here it is only an effect to note.
vi.mock('next/cache', () => ({ revalidatePath: vi.fn() }));

tempOutbox('enable-action');
setupIntegration();
afterEach(() => {
  vi.useRealTimers();
});

const NAME = 'latchkey.session';

describe('turning two-factor on from settings', () => {
  it('rotates this browser to a new session that passed the second factor, remember kept', async () => {
    freezeClock();
    const user = await makeUser();
    beginRequest();
    await startSession(user.id, true, ctx());
    const before = changedCookies()[0]?.value ?? '';
    const old = await readSessionCookie(before);
    const enrollment = await beginEnrollment(user.id, user.email);
    if (!old || !enrollment) throw new Error('setup failed');

    beginRequest({ [NAME]: before }, { 'x-latchkey-peer': uniqueIp() });
    const state = await enableAction({ ok: false }, formOf({ code: await codeNow(enrollment.secret) }));
    expect(state).toMatchObject({ ok: true, backupCodes: expect.any(Array) });

    const [cookie] = changedCookies();
    expect(cookie).toMatchObject({ name: NAME, httpOnly: true, path: '/', maxAge: REMEMBER_MAX_AGE_S });
    const rotated = await readSessionCookie(cookie?.value);
    expect(rotated?.userId).toBe(user.id);
    expect(rotated?.sessionToken).not.toBe(old.sessionToken);
    // With two-factor on, only a session that passed it is valid: the new one did.
    expect(await validateSession(rotated?.sessionToken ?? '')).toMatchObject({
      mfaEnabled: true,
      remember: true,
    });
    expect(await validateSession(old.sessionToken)).toBeNull();
  });
});
