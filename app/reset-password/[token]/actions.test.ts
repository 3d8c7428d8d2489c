import { describe, expect, it, vi } from 'vitest';
import { readSessionCookie } from '@/lib/auth/auth.config';
import { issueEmailToken } from '@/lib/auth/email-tokens';
import { startSession } from '@/lib/auth/session-cookie';
import { validateSession } from '@/lib/auth/sessions';
import { ctx, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies, formOf, redirectedTo } from '@/tests/request-scope';
import { resetPasswordAction } from './actions';

vi.mock('next/headers', () => import('@/tests/request-scope'));

tempOutbox('reset-action');
setupIntegration();

const NAME = 'latchkey.session';
const NEW_PASSWORD = 'quiet harbour lantern 77';

async function cookieFor(userId: string): Promise<string> {
  beginRequest();
  await startSession(userId, false, ctx());
  return changedCookies()[0]?.value ?? '';
}

async function resetFrom(browser: Record<string, string>, userId: string): Promise<string> {
  const token = await issueEmailToken({ userId, purpose: 'reset_password' });
  beginRequest(browser, { 'x-latchkey-peer': uniqueIp() });
  return redirectedTo(resetPasswordAction({ ok: false }, formOf({ token, newPassword: NEW_PASSWORD })));
}

describe('resetting a password, and this browser’s cookie', () => {
  it('a browser signed in to that account loses its cookie with its session', async () => {
    const user = await makeUser();
    const browser = { [NAME]: await cookieFor(user.id) };
    expect(await resetFrom(browser, user.id)).toBe('/login?notice=password-reset');
    expect(changedCookies()).toEqual([expect.objectContaining({ name: NAME, value: '', maxAge: 0 })]);
  });

  it('a browser signed in as someone else keeps its cookie and its session', async () => {
    const [user, other] = [await makeUser(), await makeUser()];
    const othersCookie = await cookieFor(other.id);
    expect(await resetFrom({ [NAME]: othersCookie }, user.id)).toBe('/login?notice=password-reset');
    expect(changedCookies()).toEqual([]);
    const claims = await readSessionCookie(othersCookie);
    expect(await validateSession(claims?.sessionToken ?? '')).toMatchObject({ userId: other.id });
  });
});
