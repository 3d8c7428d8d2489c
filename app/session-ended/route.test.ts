import { NextRequest } from 'next/server';
import { describe, expect, it, vi } from 'vitest';
import { readSessionCookie } from '@/lib/auth/auth.config';
import { startSession } from '@/lib/auth/session-cookie';
import { revokeSession } from '@/lib/auth/sessions';
import { hashToken } from '@/lib/crypto/tokens';
import { ctx } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { beginRequest, changedCookies } from '@/tests/request-scope';
import { GET } from './route';

vi.mock('next/headers', () => import('@/tests/request-scope'));

setupIntegration();

const NAME = 'latchkey.session';
const URL_IN = 'http://localhost:3000/session-ended?callbackUrl=%2Fsettings%2Fsecurity';

async function cookieOfNewSession(): Promise<{ value: string; sessionId: string }> {
  const user = await makeUser();
  beginRequest();
  await startSession(user.id, false, ctx());
  const value = changedCookies()[0]?.value ?? '';
  const claims = await readSessionCookie(value);
  if (!claims) throw new Error('no session cookie');
  return { value, sessionId: hashToken(claims.sessionToken) };
}

describe('/session-ended', () => {
  it('clears a cookie whose session was revoked and goes on to sign in', async () => {
    const { value, sessionId } = await cookieOfNewSession();
    await revokeSession(sessionId);
    beginRequest({ [NAME]: value });
    const response = await GET(new NextRequest(URL_IN));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      'http://localhost:3000/login?callbackUrl=%2Fsettings%2Fsecurity&ended=1',
    );
    expect(changedCookies()).toEqual([
      expect.objectContaining({ name: NAME, value: '', maxAge: 0, path: '/', httpOnly: true }),
    ]);
  });

  it('clears a cookie that is not ours at all', async () => {
    beginRequest({ [NAME]: 'not-a-jwt' });
    const response = await GET(new NextRequest(URL_IN));
    expect(response.headers.get('location')).toMatch(/\/login\?.*ended=1$/);
    expect(changedCookies()).toEqual([expect.objectContaining({ name: NAME, value: '', maxAge: 0 })]);
  });

  it('leaves a live session alone: a link here cannot sign anyone out', async () => {
    const { value } = await cookieOfNewSession();
    beginRequest({ [NAME]: value });
    const response = await GET(new NextRequest(URL_IN));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://localhost:3000/dashboard');
    expect(changedCookies()).toEqual([]);
  });
});
