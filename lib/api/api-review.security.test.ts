import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as loginRoute from '@/app/api/v1/auth/login/route';
import * as registerRoute from '@/app/api/v1/auth/register/route';
import * as refreshRoute from '@/app/api/v1/auth/token/refresh/route';
import * as meRoute from '@/app/api/v1/me/route';
import { db } from '@/lib/db/client';
import { refreshTokens, sessions } from '@/lib/db/schema';
import { listOutbox } from '@/lib/email/outbox';
import { beginEnrollment, completeEnrollment } from '@/lib/mfa/totp-factor';
import { call } from '@/tests/api';
import { uniqueEmail, uniqueIp } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { auditRowsOfUser, codeNow, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';

const outbox = tempOutbox('api-review');
setupIntegration();

beforeEach(() => {
  freezeClock();
});

afterEach(() => {
  vi.useRealTimers();
});

type Tokens = { accessToken: string; refreshToken: string };

async function signedIn() {
  const user = await makeUser();
  const answer = await call(loginRoute.POST, { body: { email: user.email, password: user.password } });
  expect(answer.status).toBe(200);
  const tokens = answer.body as unknown as Tokens;
  const [session] = await (await db())
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.userId, user.id));
  return { ...tokens, user, sessionId: session?.id as string };
}

const refresh = (refreshToken: string, ip?: string) =>
  call(refreshRoute.POST, { body: { refreshToken }, ip });

describe('found by review', () => {
  it('registration through the API mails the verification link, like the form', async () => {
    const email = uniqueEmail('api-register');
    const answer = await call(registerRoute.POST, {
      body: { email, password: 'violet tractor umbrella 42' },
    });
    expect(answer.status).toBe(201);
    const mail = (await listOutbox(outbox)).find((m) => m.to === email);
    expect(mail?.text).toContain('/verify-email/');
  });

  it('the bearer scheme is case-insensitive (RFC 9110)', async () => {
    const s = await signedIn();
    const answer = await call(meRoute.GET, {
      method: 'GET',
      headers: { authorization: `bearer ${s.accessToken}` },
    });
    expect(answer.status).toBe(200);
  });

  it('a replayed token of a session that simply ran out is invalid_token, not an alarm in the activity', async () => {
    const s = await signedIn();
    expect((await refresh(s.refreshToken)).status).toBe(200);
    await (await db())
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, s.sessionId));
    const replay = await refresh(s.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.error?.code).toBe('invalid_token');
    expect((await auditRowsOfUser(s.user.id)).map((r) => r.type)).not.toContain('refresh_token_reused');
  });

  it("a session's used tokens are pruned as it refreshes: its rows stay bounded", async () => {
    const s = await signedIn();
    let token = s.refreshToken;
    for (let i = 0; i < 30; i++) {
      const next = await refresh(token);
      expect(next.status).toBe(200);
      token = (next.body as unknown as Tokens).refreshToken;
    }
    const rows = await (await db())
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.sessionId, s.sessionId));
    expect(rows.length).toBeLessThanOrEqual(22);
    expect(rows.filter((r) => r.usedAt === null)).toHaveLength(1);
  });

  it('refreshes are budgeted per IP: 300 in 15 minutes, then 429 with Retry-After', async () => {
    const s = await signedIn();
    const ip = uniqueIp();
    let token = s.refreshToken;
    for (let i = 0; i < 300; i++) {
      const next = await refresh(token, ip);
      expect(next.status).toBe(200);
      token = (next.body as unknown as Tokens).refreshToken;
    }
    const refused = await refresh(token, ip);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The refused call spent nothing: from another address the same token still works.
    expect((await refresh(token)).status).toBe(200);
  }, 120_000);

  it('a session that never passed the second factor on an account with it on cannot be refreshed', async () => {
    const s = await signedIn();
    // Two-factor turned on by another way than this session (say, a sign-in racing the enable).
    const enrollment = await beginEnrollment(s.user.id, s.user.email);
    expect(await completeEnrollment(s.user.id, await codeNow(enrollment?.secret as string))).toBeTruthy();
    await (await db()).update(sessions).set({ revokedAt: null }).where(eq(sessions.id, s.sessionId));
    const answer = await refresh(s.refreshToken);
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('invalid_token');
  });
});
