import { describe, expect, it, vi } from 'vitest';
import { startSession } from '@/lib/auth/session-cookie';
import { ctx, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration, usersWithEmail } from '@/tests/integration';
import { tempOutbox } from '@/tests/outbox';
import { beginRequest, changedCookies, formOf, redirectedTo } from '@/tests/request-scope';
import { deleteAccountAction } from './account-actions';

vi.mock('next/headers', () => import('@/tests/request-scope'));

tempOutbox('delete-action');
setupIntegration();

const NAME = 'latchkey.session';

/** A browser signed in as a new account: its cookie, for the next request. */
async function signedInUser() {
  const user = await makeUser();
  beginRequest();
  await startSession(user.id, false, ctx());
  return { user, browser: { [NAME]: changedCookies()[0]?.value ?? '' } };
}

describe('deleting the account from its settings', () => {
  it('clears this browser’s cookie and lands on the notice', async () => {
    const { user, browser } = await signedInUser();
    beginRequest(browser, { 'x-latchkey-peer': uniqueIp() });
    const action = deleteAccountAction({ ok: false }, formOf({ password: user.password }));
    expect(await redirectedTo(action)).toBe('/?deleted=1');
    expect(changedCookies()).toEqual([
      expect.objectContaining({ name: NAME, value: '', maxAge: 0, path: '/', httpOnly: true }),
    ]);
    expect(await usersWithEmail(user.email)).toEqual([]);
  });

  it('a wrong password deletes nothing and keeps the cookie', async () => {
    const { user, browser } = await signedInUser();
    beginRequest(browser, { 'x-latchkey-peer': uniqueIp() });
    const state = await deleteAccountAction({ ok: false }, formOf({ password: 'not the password at all' }));
    expect(state).toMatchObject({ ok: false, fieldErrors: { password: expect.any(String) } });
    expect(changedCookies()).toEqual([]);
    expect(await usersWithEmail(user.email)).toHaveLength(1);
  });
});
