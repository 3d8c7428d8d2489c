import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loginAction } from '@/app/(auth)/login/actions';
import { POST as apiLoginRoute } from '@/app/api/v1/auth/login/route';
import { POST as apiRefreshRoute } from '@/app/api/v1/auth/token/refresh/route';
import { validatedAction } from '@/lib/actions';
import { operations } from '@/lib/api/operations';
import { apiRoute } from '@/lib/api/route';
import { startApiSession } from '@/lib/api/sessions';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { messages } from '@/lib/messages';
import { createChallenge } from '@/lib/mfa/challenge';
import { z } from '@/lib/validation/zod';
import { call } from '@/tests/api';
import { ctx } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { codeNow, enrolledUser, freezeClock } from '@/tests/mfa';
import { beginRequest, formOf } from '@/tests/request-scope';
import { AccountLockedError } from './account-lock';
import { passwordSignIn } from './login';
import { verifySecondStep } from './second-step';
import { createSession, listActiveSessions } from './sessions';

vi.mock('next/headers', () => import('@/tests/request-scope'));

setupIntegration();

beforeEach(() => {
  freezeClock();
});
afterEach(() => {
  vi.useRealTimers();
});

/** What lib/admin does to lock, without its step-up: the column the checks read. */
async function setLocked(userId: string, locked: boolean) {
  await (await db())
    .update(users)
    .set({ lockedAt: locked ? sql`now()` : null })
    .where(eq(users.id, userId));
}

const WRONG = 'not the password at all 99';

describe('a locked account: refused after the password, and only then', () => {
  it('password step: the right password learns of the lock; a wrong one gets the generic refusal', async () => {
    const user = await makeUser();
    await setLocked(user.id, true);
    expect(await passwordSignIn(user.email, user.password, ctx())).toEqual({
      ok: false,
      kind: 'accountLocked',
    });
    expect(await passwordSignIn(user.email, WRONG, ctx())).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
    await setLocked(user.id, false);
    expect(await passwordSignIn(user.email, user.password, ctx())).toMatchObject({ ok: true });
  });

  it('the web form says so, starts no session, and a wrong password still reads Invalid email or password', async () => {
    const user = await makeUser();
    await setLocked(user.id, true);
    beginRequest();
    expect(
      await loginAction({ ok: false }, formOf({ email: user.email, password: user.password })),
    ).toMatchObject({ ok: false, error: messages.accountLocked });
    beginRequest();
    expect(await loginAction({ ok: false }, formOf({ email: user.email, password: WRONG }))).toMatchObject({
      ok: false,
      error: messages.invalidCredentials,
    });
    expect(await listActiveSessions(user.id)).toEqual([]);
  });

  it('does not spend the account’s failed sign-in budget: after unlocking, sign-in works at once', async () => {
    const user = await makeUser();
    await setLocked(user.id, true);
    for (let i = 0; i < 6; i++) {
      expect(await passwordSignIn(user.email, user.password, ctx())).toMatchObject({ kind: 'accountLocked' });
    }
    await setLocked(user.id, false);
    expect(await passwordSignIn(user.email, user.password, ctx())).toMatchObject({ ok: true });
  });

  it('API login: 403 account_locked for the right password, 401 invalid_credentials for a wrong one', async () => {
    const user = await makeUser();
    await setLocked(user.id, true);
    const right = await call(apiLoginRoute, { body: { email: user.email, password: user.password } });
    expect(right.status).toBe(403);
    expect(right.body.error?.code).toBe('account_locked');
    expect(right.body).not.toHaveProperty('accessToken');
    const wrong = await call(apiLoginRoute, { body: { email: user.email, password: WRONG } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe('invalid_credentials');
  });

  it('the second step of a challenge issued before the lock is refused, even with the right code', async () => {
    const user = await enrolledUser();
    const challenge = await createChallenge({ userId: user.id, remember: false }, ctx());
    await setLocked(user.id, true);
    expect(await verifySecondStep(challenge, 'totp', await codeNow(user.secret), ctx())).toEqual({
      ok: false,
      kind: 'accountLocked',
    });
  });

  it('no session starts for a locked account, whichever flow asks (createSession itself refuses)', async () => {
    const user = await makeUser();
    await setLocked(user.id, true);
    await expect(createSession(user.id, false, ctx())).rejects.toBeInstanceOf(AccountLockedError);
    await expect(startApiSession(user.id, ctx(), false)).rejects.toBeInstanceOf(AccountLockedError);
    expect(await listActiveSessions(user.id)).toEqual([]);
    await setLocked(user.id, false);
    await createSession(user.id, false, ctx());
    expect(await listActiveSessions(user.id)).toHaveLength(1);
  });

  it('a refresh token stops rotating once the account is locked', async () => {
    const user = await makeUser();
    const started = await startApiSession(user.id, ctx(), false);
    await setLocked(user.id, true);
    const refused = await call(apiRefreshRoute, { body: { refreshToken: started.refreshToken } });
    expect(refused.status).toBe(401);
    expect(refused.body).not.toHaveProperty('accessToken');
    await setLocked(user.id, false);
    // Not spent by the refusal: the same token works once unlocked (nothing else ended the session).
    const again = await call(apiRefreshRoute, { body: { refreshToken: started.refreshToken } });
    expect(again.status).toBe(200);
  });

  it('a session refused at its start (a lock that raced the checks) reads as the lock, on the web and in the API', async () => {
    const action = validatedAction(z.object({}), {}, async () => {
      throw new AccountLockedError();
    });
    expect(await action({ ok: false }, formOf({}))).toMatchObject({
      ok: false,
      error: messages.accountLocked,
    });
    const route = apiRoute(operations.logout, async () => {
      throw new AccountLockedError();
    });
    const user = await makeUser();
    const started = await startApiSession(user.id, ctx(), false);
    const answer = await call(route, { token: started.accessToken });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe('account_locked');
  });
});
