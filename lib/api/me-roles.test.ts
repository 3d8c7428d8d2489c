import { describe, expect, it } from 'vitest';
import * as loginRoute from '@/app/api/v1/auth/login/route';
import * as meRoute from '@/app/api/v1/me/route';
import { setRole } from '@/lib/auth/roles';
import { call } from '@/tests/api';
import { ctx } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';

setupIntegration();

describe('GET /api/v1/me', () => {
  it("answers the account's roles, and a grant or revoke shows on the same token at once", async () => {
    const user = await makeUser();
    const login = await call(loginRoute.POST, { body: { email: user.email, password: user.password } });
    const { accessToken } = login.body as { accessToken: string };
    const me = async () => (await call(meRoute.GET, { method: 'GET', token: accessToken })).body;

    expect(await me()).toEqual({
      id: user.id,
      email: user.email,
      emailVerified: false,
      mfaEnabled: false,
      roles: ['user'],
    });
    await setRole(user.email, 'admin', ctx());
    expect((await me()).roles).toEqual(['user', 'admin']);
    await setRole(user.email, 'user', ctx());
    expect((await me()).roles).toEqual(['user']);
  });
});
