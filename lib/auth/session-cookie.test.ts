import { NextRequest } from 'next/server';
import NextAuth from 'next-auth';
import { decode } from 'next-auth/jwt';
import Credentials from 'next-auth/providers/credentials';
import { describe, expect, it, vi } from 'vitest';
import { hashToken } from '@/lib/crypto/tokens';
import { env } from '@/lib/env';
import { middleware } from '@/middleware';
import { ctx } from '@/tests/helpers';
import { makeUser, sessionRow, setupIntegration } from '@/tests/integration';
import { beginRequest, changedCookies, setCookieLines } from '@/tests/request-scope';
import { REMEMBER_MAX_AGE_S, readSessionCookie, sessionCookieOptions } from './auth.config';
import {
  clearSessionCookie,
  clearSessionCookieOf,
  readSessionClaims,
  readSessionCookieValue,
  startSession,
} from './session-cookie';
import { validateSession } from './sessions';

vi.mock('next/headers', () => import('@/tests/request-scope'));

setupIntegration();

// Tests run over http (APP_URL unset): the plain name, no Secure. session-cookie.https.test.ts
// covers the `__Host-` name.
const NAME = 'latchkey.session';

/** Sign `userId` in within a fresh request; the cookie value the browser receives. */
async function signedIn(userId: string, remember = false, mfaVerified = false): Promise<string> {
  beginRequest();
  await startSession(userId, remember, ctx(), mfaVerified);
  const value = changedCookies().find((c) => c.name === NAME)?.value;
  if (!value) throw new Error('startSession set no session cookie');
  return value;
}

describe('starting a session sets the cookie', () => {
  it('with Remember me: HttpOnly, SameSite=Lax, Path=/, Max-Age 30 days', async () => {
    const user = await makeUser();
    await signedIn(user.id, true);
    expect(changedCookies()).toEqual([
      expect.objectContaining({
        name: NAME,
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: false,
        maxAge: REMEMBER_MAX_AGE_S,
      }),
    ]);
    const [line] = setCookieLines();
    expect(line).toMatch(/^latchkey\.session=[^;]+; /);
    expect(line).toContain('Path=/');
    expect(line).toContain(`Max-Age=${30 * 24 * 60 * 60}`);
    expect(line).toContain('HttpOnly');
    expect(line).toMatch(/SameSite=lax/i);
    expect(line).not.toContain('Secure');
  });

  it('without Remember me: the same attributes and no lifetime, so it ends with the browser', async () => {
    const user = await makeUser();
    await signedIn(user.id, false);
    const [cookie] = changedCookies();
    expect(cookie).toMatchObject({ name: NAME, httpOnly: true, sameSite: 'lax', path: '/', secure: false });
    expect(cookie?.maxAge).toBeUndefined();
    expect(cookie?.expires).toBeUndefined();
    const [line] = setCookieLines();
    expect(line).toContain('HttpOnly');
    expect(line).not.toMatch(/Max-Age|Expires/i);
  });

  it('reads back as the claims of a new live session record, remember and second factor as given', async () => {
    const user = await makeUser();
    for (const [remember, mfaVerified] of [
      [true, true],
      [false, false],
    ] as const) {
      const value = await signedIn(user.id, remember, mfaVerified);
      // The next request from that browser:
      beginRequest({ [NAME]: value });
      expect(await readSessionCookieValue()).toBe(value);
      const claims = await readSessionClaims();
      expect(claims).toEqual({ userId: user.id, sessionToken: expect.any(String) });
      expect(await readSessionCookie(value)).toEqual(claims);
      const session = await validateSession(claims?.sessionToken ?? '');
      expect(session).toMatchObject({ userId: user.id, remember });
      expect((await sessionRow(hashToken(claims?.sessionToken ?? '')))?.mfaVerified).toBe(mfaVerified);
    }
  });

  it('a JWT read before is read the same again, and not a moment past its expiry', async () => {
    const user = await makeUser();
    const value = await signedIn(user.id, true);
    const claims = await readSessionCookie(value);
    expect(claims).toEqual({ userId: user.id, sessionToken: expect.any(String) });
    expect(await readSessionCookie(value)).toEqual(claims);
    // Remembered or not, a decoded value carries its expiry: 30 days and a minute later (Auth.js allows 15 s of clock skew) it is refused.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + (REMEMBER_MAX_AGE_S + 60) * 1000 });
    try {
      expect(await readSessionCookie(value)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
    // Padded copies decode to the same claims with jose (its base64url skips whitespace): refused
    // unread, so nobody can fill the memo with variants of one real cookie.
    const [head, , iv, body, tag] = value.split('.');
    for (const padded of [
      `${head}..${iv}.${body?.slice(0, 20)} ${body?.slice(20)}.${tag}`,
      `${head}..${iv}.${body}\t.${tag}`,
      `${value}${'A'.repeat(1_100)}`,
    ])
      expect(await readSessionCookie(padded)).toBeNull();
    // A value that differs in one character is decoded afresh, and refused.
    // The second-last character of the tag carries six bits of it (the last one has spare bits that
    // decode to the same bytes), and it is compared with what replaces it, not the last one.
    const tampered = `${value.slice(0, -2)}${value.at(-2) === 'A' ? 'B' : 'A'}${value.slice(-1)}`;
    expect(await readSessionCookie(tampered)).toBeNull();
  });

  it('every sign-in gets a new session, even in the same browser', async () => {
    const user = await makeUser();
    const first = await readSessionCookie(await signedIn(user.id));
    const second = await readSessionCookie(await signedIn(user.id));
    expect(first?.sessionToken).toBeDefined();
    expect(second?.sessionToken).not.toBe(first?.sessionToken);
  });

  it('the same request reads what it just set (a second step right after the first, say)', async () => {
    const user = await makeUser();
    beginRequest();
    await startSession(user.id, false, ctx());
    expect((await readSessionClaims())?.userId).toBe(user.id);
  });
});

describe('the JWT is the one Auth.js minted before', () => {
  /**
   * The path this module replaced, as lib/auth/auth.ts and auth.config.ts had it: Auth.js's
   * signIn through a Credentials provider (there it redeemed a login ticket; the ticket only
   * carried these ids) and the jwt callback that put the ids into the token. Its config is
   * written out here, since the app mounts Auth.js no more.
   */
  async function mintedByAuthJs(userId: string, sessionToken: string): Promise<string> {
    const { signIn } = NextAuth({
      secret: env().AUTH_SECRET,
      trustHost: true,
      session: { strategy: 'jwt', maxAge: REMEMBER_MAX_AGE_S },
      cookies: { sessionToken: { name: NAME, options: sessionCookieOptions() } },
      providers: [
        Credentials({
          id: 'ticket',
          credentials: { ticket: {} },
          authorize: async () => ({ id: userId, sid: sessionToken }) as { id: string },
        }),
      ],
      callbacks: {
        jwt({ token, user }) {
          if (user) {
            token.sub = user.id;
            token.sid = (user as { sid?: string }).sid;
          }
          return token;
        },
      },
    });
    beginRequest();
    await signIn('ticket', { ticket: 'x', redirect: false });
    const value = changedCookies().find((c) => c.name === NAME)?.value;
    if (!value) throw new Error('Auth.js set no session cookie');
    return value;
  }

  const header = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0] ?? '', 'base64url').toString());
  const payload = (jwt: string) =>
    decode({ token: jwt, secret: env().AUTH_SECRET, salt: NAME }) as Promise<Record<string, unknown>>;

  it('same header, same claims, same 30-day expiry: either decodes to the same session', async () => {
    const user = await makeUser();
    const ours = await signedIn(user.id, true);
    const claims = await readSessionCookie(ours);
    if (!claims) throw new Error('our cookie does not decode');
    const theirs = await mintedByAuthJs(user.id, claims.sessionToken);

    expect(ours).not.toBe(theirs); // each is encrypted with its own random IV and jti
    expect(header(ours)).toEqual(header(theirs));
    expect(await readSessionCookie(theirs)).toEqual(claims);
    const [a, b] = [await payload(ours), await payload(theirs)];
    expect(Object.keys(a).sort()).toEqual(['exp', 'iat', 'jti', 'sid', 'sub']);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect({ sub: a.sub, sid: a.sid }).toEqual({ sub: b.sub, sid: b.sid });
    expect(Number(a.exp) - Number(a.iat)).toBe(REMEMBER_MAX_AGE_S);
    expect(Number(b.exp) - Number(b.iat)).toBe(REMEMBER_MAX_AGE_S);
  });

  it('middleware lets our cookie in and sends it from /login to /dashboard', async () => {
    const user = await makeUser();
    const cookie = `${NAME}=${await signedIn(user.id)}`;
    const dashboard = await middleware(
      new NextRequest('http://localhost:3000/dashboard', { headers: { cookie } }),
    );
    expect(dashboard.headers.get('location')).toBeNull();
    const login = await middleware(new NextRequest('http://localhost:3000/login', { headers: { cookie } }));
    expect(login.status).toBe(307);
    expect(login.headers.get('location')).toBe('http://localhost:3000/dashboard');
    // And without the cookie, /dashboard is not let in: the check above is not vacuous.
    const anonymous = await middleware(new NextRequest('http://localhost:3000/dashboard'));
    expect(anonymous.headers.get('location')).toMatch(/\/login\?callbackUrl=%2Fdashboard$/);
  });
});

describe('clearing the cookie', () => {
  it('clears it with the attributes it was set with, and it no longer reads', async () => {
    const user = await makeUser();
    beginRequest({ [NAME]: await signedIn(user.id, true) });
    await clearSessionCookie();
    expect(changedCookies()).toEqual([
      expect.objectContaining({ name: NAME, value: '', maxAge: 0, httpOnly: true, path: '/', secure: false }),
    ]);
    expect(setCookieLines()).toEqual([
      expect.stringMatching(/^latchkey\.session=; Path=\/; Max-Age=0; .*HttpOnly/),
    ]);
    expect(await readSessionClaims()).toBeNull();
  });

  it('clear-if-this-user clears this user’s cookie', async () => {
    const user = await makeUser();
    beginRequest({ [NAME]: await signedIn(user.id) });
    expect(await clearSessionCookieOf(user.id)).toBe(true);
    expect(changedCookies()).toEqual([expect.objectContaining({ name: NAME, value: '', maxAge: 0 })]);
  });

  it('clear-if-this-user leaves another user’s cookie, a forged one and no cookie alone', async () => {
    const [user, other] = [await makeUser(), await makeUser()];
    const othersCookie = await signedIn(other.id);
    const browsers: Record<string, string>[] = [{ [NAME]: othersCookie }, { [NAME]: 'not-a-jwt' }, {}];
    for (const browser of browsers) {
      beginRequest(browser);
      expect(await clearSessionCookieOf(user.id)).toBe(false);
      expect(changedCookies()).toEqual([]);
    }
    // The other user is still signed in on that browser.
    beginRequest({ [NAME]: othersCookie });
    expect((await readSessionClaims())?.userId).toBe(other.id);
  });
});
