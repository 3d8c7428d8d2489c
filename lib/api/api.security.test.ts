import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as loginRoute from '@/app/api/v1/auth/login/route';
import * as logoutRoute from '@/app/api/v1/auth/logout/route';
import * as logoutAllRoute from '@/app/api/v1/auth/logout-all/route';
import * as verifyRoute from '@/app/api/v1/auth/mfa/verify/route';
import * as refreshRoute from '@/app/api/v1/auth/token/refresh/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as sessionRoute from '@/app/api/v1/sessions/[id]/route';
import * as sessionsRoute from '@/app/api/v1/sessions/route';
import { createSession, validateSessionId } from '@/lib/auth/sessions';
import { messages } from '@/lib/messages';
import { call } from '@/tests/api';
import { ctx, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration } from '@/tests/integration';
import { auditRowsOfUser, codeNow, enrolledUser, freezeClock, wrongCode } from '@/tests/mfa';
import { issueAccessToken } from './access-token';

setupIntegration();

beforeEach(() => {
  freezeClock();
});

afterEach(() => {
  vi.useRealTimers();
});

type Tokens = { accessToken: string; refreshToken: string };

async function login(email: string, password: string, ip = uniqueIp()) {
  return call(loginRoute.POST, { body: { email, password }, ip });
}

async function signedIn(): Promise<Tokens & { userId: string; email: string; password: string }> {
  const user = await makeUser();
  const answer = await login(user.email, user.password);
  expect(answer.status).toBe(200);
  return {
    ...(answer.body as unknown as Tokens),
    userId: user.id,
    email: user.email,
    password: user.password,
  };
}

const me = (token: string) => call(meRoute.GET, { method: 'GET', token });
const refresh = (refreshToken: string, ip?: string) =>
  call(refreshRoute.POST, { body: { refreshToken }, ip });

describe('password sign-in through the API', () => {
  it('answers tokens and a session record of kind api, whose access token works on /me', async () => {
    const user = await makeUser();
    const answer = await login(user.email, user.password);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 3600,
      user: { id: user.id, email: user.email },
    });
    const { accessToken } = answer.body as unknown as Tokens;
    const mine = await me(accessToken);
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({
      id: user.id,
      email: user.email,
      emailVerified: false,
      mfaEnabled: false,
      roles: ['user'],
    });
    expect(mine.headers.get('cache-control')).toBe('no-store');
  });

  it('an unknown address and a wrong password get the same status, code and words', async () => {
    const user = await makeUser();
    const wrong = await login(user.email, 'not the password at all');
    const unknown = await login(`nobody-${user.id}@example.com`, 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toEqual({ code: 'invalid_credentials', message: messages.invalidCredentials });
  });

  it('shares the account lock with the web: 5 wrong passwords, then 429 with Retry-After, even with the right one', async () => {
    const user = await makeUser();
    for (let i = 0; i < 5; i++) expect((await login(user.email, `wrong password ${i}`)).status).toBe(401);
    const locked = await login(user.email, user.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error?.code).toBe('rate_limited');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('the second step through the API', () => {
  it('with two-factor on, the password alone gets a challenge, and a code turns it into tokens with amr otp', async () => {
    const user = await enrolledUser();
    const first = await login(user.email, user.password);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ mfaRequired: true, methods: ['totp', 'backup_code'] });
    expect(first.body).not.toHaveProperty('accessToken');
    const { challengeToken } = first.body as { challengeToken: string };
    const second = await call(verifyRoute.POST, {
      body: { challengeToken, code: await codeNow(user.secret) },
    });
    expect(second.status).toBe(200);
    const { accessToken } = second.body as unknown as Tokens;
    const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString());
    expect(payload.amr).toEqual(['pwd', 'otp']);
    expect((await me(accessToken)).body).toMatchObject({ mfaEnabled: true });
    // The challenge is single use.
    const again = await call(verifyRoute.POST, { body: { challengeToken, code: user.backupCodes[0] } });
    expect(again.status).toBe(401);
    expect(again.body.error?.code).toBe('challenge_expired');
  });

  it('a backup code works once; 5 wrong codes end the challenge', async () => {
    const user = await enrolledUser();
    const challenge = async () =>
      ((await login(user.email, user.password)).body as { challengeToken: string }).challengeToken;
    const code = user.backupCodes[0] as string;
    expect((await call(verifyRoute.POST, { body: { challengeToken: await challenge(), code } })).status).toBe(
      200,
    );
    const reused = await call(verifyRoute.POST, { body: { challengeToken: await challenge(), code } });
    expect(reused.status).toBe(401);
    expect(reused.body.error?.code).toBe('invalid_code');

    const token = await challenge();
    // Wrong for sure: a fixed 000000 would be the right code now and then.
    const wrong = await wrongCode(user.secret);
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(await call(verifyRoute.POST, { body: { challengeToken: token, code: wrong } }));
    expect(answers.map((a) => a.body.error?.code)).toEqual([
      'invalid_code',
      'invalid_code',
      'invalid_code',
      'invalid_code',
      'challenge_exhausted',
    ]);
    const after = await call(verifyRoute.POST, {
      body: { challengeToken: token, code: await codeNow(user.secret) },
    });
    expect(after.body.error?.code).toBe('challenge_expired');
  });
});

describe('access tokens', () => {
  it('die with their session at once: logout, then the same token is refused', async () => {
    const s = await signedIn();
    expect((await call(logoutRoute.POST, { token: s.accessToken })).status).toBe(204);
    const after = await me(s.accessToken);
    expect(after.status).toBe(401);
    expect(after.body.error?.code).toBe('invalid_token');
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('a validly signed token naming a browser session is refused (each credential only for its own kind)', async () => {
    const user = await makeUser();
    const web = await createSession(user.id, false, ctx());
    const forged = await issueAccessToken({ sub: user.id, sid: web.id, amr: ['pwd'] });
    expect((await me(forged.token)).status).toBe(401);
  });

  it("a validly signed token naming another user's API session is refused", async () => {
    const a = await signedIn();
    const b = await signedIn();
    const bSession = (await sessionsOf(b.accessToken))[0]?.id as string;
    const forged = await issueAccessToken({ sub: a.userId, sid: bSession, amr: ['pwd'] });
    expect((await me(forged.token)).status).toBe(401);
  });

  it('cookies are not read: a request without a bearer token is refused whatever cookies it carries', async () => {
    const answer = await call(meRoute.GET, {
      method: 'GET',
      headers: { cookie: 'latchkey.session=anything' },
    });
    expect(answer.status).toBe(401);
  });
});

async function sessionsOf(token: string) {
  const answer = await call(sessionsRoute.GET, { method: 'GET', token });
  expect(answer.status).toBe(200);
  return (answer.body as { sessions: { id: string; client: string; current: boolean }[] }).sessions;
}

describe('refresh tokens', () => {
  it('rotate on every use: a new pair, and the old refresh token stops working', async () => {
    const s = await signedIn();
    const next = await refresh(s.refreshToken);
    expect(next.status).toBe(200);
    const pair = next.body as unknown as Tokens;
    expect(pair.refreshToken).not.toBe(s.refreshToken);
    expect((await me(pair.accessToken)).status).toBe(200);
    const third = await refresh(pair.refreshToken);
    expect(third.status).toBe(200);
  });

  it('a refresh token used twice ends the session, the newest tokens too, and the owner sees it', async () => {
    const s = await signedIn();
    const ip = uniqueIp();
    const legit = (await refresh(s.refreshToken)).body as unknown as Tokens;
    const stolen = await refresh(s.refreshToken, ip);
    expect(stolen.status).toBe(401);
    expect(stolen.body.error?.code).toBe('refresh_token_reused');
    // The whole family is gone: the legitimate client's new tokens too.
    expect((await me(legit.accessToken)).status).toBe(401);
    expect((await refresh(legit.refreshToken)).status).toBe(401);
    expect((await auditRowsFromIp(ip)).map((r) => r.type)).toEqual(['refresh_token_reused']);
  });

  it('of concurrent refreshes with one token exactly one wins; the others count as reuse and end the session', async () => {
    const s = await signedIn();
    const answers = await Promise.all(Array.from({ length: 6 }, () => refresh(s.refreshToken)));
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.body.error?.code === 'refresh_token_reused')).toHaveLength(5);
    const winner = won[0]?.body as unknown as Tokens;
    expect((await me(winner.accessToken)).status).toBe(401);
    expect((await auditRowsOfUser(s.userId)).filter((r) => r.type === 'refresh_token_reused')).toHaveLength(
      1,
    );
  });

  it('an unknown, malformed or signed-out refresh token is invalid_token, and ends nothing', async () => {
    const s = await signedIn();
    for (const refreshToken of ['A'.repeat(43), 'x', s.accessToken]) {
      const answer = await call(refreshRoute.POST, { body: { refreshToken } });
      expect(answer.status).toBe(answer.body.error?.code === 'invalid_input' ? 400 : 401);
    }
    expect((await me(s.accessToken)).status).toBe(200);
    await call(logoutRoute.POST, { token: s.accessToken });
    const afterLogout = await refresh(s.refreshToken);
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.body.error?.code).toBe('invalid_token');
  });
});

describe('sessions through the API', () => {
  it('lists web and API sessions, this one first, and ends only the account’s own', async () => {
    const s = await signedIn();
    const web = await createSession(s.userId, false, ctx());
    const list = await sessionsOf(s.accessToken);
    expect(list[0]).toMatchObject({ current: true, client: 'api' });
    expect(list.map((x) => x.id)).toContain(web.id);
    expect(list.find((x) => x.id === web.id)?.client).toBe('web');

    const other = await signedIn();
    const otherId = (await sessionsOf(other.accessToken))[0]?.id as string;
    const refused = await call(sessionRoute.DELETE, {
      method: 'DELETE',
      token: s.accessToken,
      params: { id: otherId },
    });
    expect(refused.status).toBe(404);
    expect((await me(other.accessToken)).status).toBe(200);

    const ended = await call(sessionRoute.DELETE, {
      method: 'DELETE',
      token: s.accessToken,
      params: { id: web.id },
    });
    expect(ended.status).toBe(204);
    expect(await validateSessionId(web.id)).toBeNull();
  });

  it('logout-all ends every session of the account, browsers too', async () => {
    const s = await signedIn();
    const web = await createSession(s.userId, true, ctx());
    expect((await call(logoutAllRoute.POST, { token: s.accessToken })).status).toBe(204);
    expect(await validateSessionId(web.id)).toBeNull();
    expect((await me(s.accessToken)).status).toBe(401);
  });
});

describe('input', () => {
  it.each([
    ['not JSON', '{"email":'],
    ['an array', '[]'],
    ['a string', '"x"'],
    ['null', 'null'],
  ])('%s is a 400 invalid_input, never a 500', async (_, raw) => {
    const answer = await call(loginRoute.POST, { raw });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('invalid_input');
  });

  it('fields that do not validate are named, with the forms’ own words, and nothing is echoed', async () => {
    const answer = await call(loginRoute.POST, {
      body: { email: 'not-an-address', password: 'secret-password-1' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.fields).toEqual({ email: messages.emailInvalid });
    expect(JSON.stringify(answer.body)).not.toContain('secret-password-1');
  });

  it('a body that is not declared JSON is refused before it is read', async () => {
    const answer = await call(loginRoute.POST, { raw: '{}', headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(400);
  });
});
