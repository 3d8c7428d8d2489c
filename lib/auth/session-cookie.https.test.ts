import { describe, expect, it, vi } from 'vitest';
import { ctx } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { beginRequest, changedCookies, setCookieLines } from '@/tests/request-scope';
import { readSessionCookie, sessionCookieName } from './auth.config';
import { clearSessionCookie, startSession } from './session-cookie';

// Settings are read once per process, so this file has the https origin to itself.
vi.hoisted(() => {
  process.env.APP_URL = 'https://localhost:3443';
});
vi.mock('next/headers', () => import('@/tests/request-scope'));

setupIntegration();

const NAME = '__Host-latchkey.session';

describe('the session cookie over https', () => {
  it('is named __Host-latchkey.session and Secure, and decodes under that name', async () => {
    expect(sessionCookieName()).toBe(NAME);
    const user = await makeUser();
    beginRequest();
    await startSession(user.id, true, ctx());
    const [cookie] = changedCookies();
    expect(cookie).toMatchObject({ name: NAME, secure: true, httpOnly: true, sameSite: 'lax', path: '/' });
    const [line] = setCookieLines();
    expect(line).toMatch(/^__Host-latchkey\.session=[^;]+; Path=\/; /);
    expect(line).toContain('Secure');
    expect(await readSessionCookie(cookie?.value)).toMatchObject({ userId: user.id });
  });

  it('is cleared with Secure and Path=/, which a __Host- cookie requires to be replaced', async () => {
    beginRequest({ [NAME]: 'anything' });
    await clearSessionCookie();
    expect(setCookieLines()).toEqual([
      expect.stringMatching(/^__Host-latchkey\.session=; Path=\/; Max-Age=0; .*Secure/),
    ]);
  });
});
