import { describe, expect, it, vi } from 'vitest';
import { readSessionCookie } from '@/lib/auth/auth.config';
import { startSession } from '@/lib/auth/session-cookie';
import { validateSession } from '@/lib/auth/sessions';
import { recordFailure, resetHealth } from '@/lib/db/health';
import { ctx, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration } from '@/tests/integration';
import { beginRequest, changedCookies, redirectedTo } from '@/tests/request-scope';
import { signOutAction } from './actions';

vi.mock('next/headers', () => import('@/tests/request-scope'));

setupIntegration();

const NAME = 'latchkey.session';

describe('signing out', () => {
  it('revokes the session, clears the cookie and goes to /login', async () => {
    const user = await makeUser();
    beginRequest();
    await startSession(user.id, true, ctx());
    const value = changedCookies()[0]?.value ?? '';
    const sessionToken = (await readSessionCookie(value))?.sessionToken ?? '';
    expect(await validateSession(sessionToken)).not.toBeNull();

    const ip = uniqueIp();
    beginRequest({ [NAME]: value }, { 'x-latchkey-peer': ip });
    expect(await redirectedTo(signOutAction())).toBe('/login');
    expect(changedCookies()).toEqual([
      expect.objectContaining({ name: NAME, value: '', maxAge: 0, path: '/', httpOnly: true }),
    ]);
    // A copy of the cookie is worth nothing now.
    expect(await validateSession(sessionToken)).toBeNull();
    expect((await auditRowsFromIp(ip)).map((e) => [e.type, e.userId])).toEqual([['sign_out', user.id]]);
  });

  it('with no live session, still clears whatever cookie is there', async () => {
    beginRequest({ [NAME]: 'not-a-jwt' });
    expect(await redirectedTo(signOutAction())).toBe('/login');
    expect(changedCookies()).toEqual([expect.objectContaining({ name: NAME, value: '', maxAge: 0 })]);
  });

  it('during a database outage: no error page; this browser is signed out and told the session lives on', async () => {
    const user = await makeUser();
    beginRequest();
    await startSession(user.id, true, ctx());
    const value = changedCookies()[0]?.value ?? '';
    const sessionToken = (await readSessionCookie(value))?.sessionToken ?? '';

    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    recordFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    try {
      beginRequest({ [NAME]: value });
      expect(await redirectedTo(signOutAction())).toBe('/login?notice=signed-out-here');
      expect(changedCookies()).toEqual([expect.objectContaining({ name: NAME, value: '', maxAge: 0 })]);
    } finally {
      resetHealth();
      errors.mockRestore();
    }
    // Said honestly: the record could not be revoked.
    expect(await validateSession(sessionToken)).not.toBeNull();
  });
});
