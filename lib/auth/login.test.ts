import { describe, expect, it } from 'vitest';
import { ctx, uniqueEmail, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration } from '@/tests/integration';
import { passwordSignIn } from './login';
import { createSession } from './sessions';

setupIntegration();

describe('passwordSignIn', () => {
  it('signs in with the right password', async () => {
    const user = await makeUser();
    expect(await passwordSignIn(user.email, user.password, ctx())).toEqual({
      ok: true,
      userId: user.id,
      mfaRequired: false,
    });
  });

  it('refuses a wrong password', async () => {
    const user = await makeUser();
    expect(await passwordSignIn(user.email, `${user.password}x`, ctx())).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
    expect(await passwordSignIn(user.email, user.password.toUpperCase(), ctx())).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
    expect(await passwordSignIn(user.email, '', ctx())).toEqual({ ok: false, kind: 'invalidCredentials' });
  });

  it('refuses an unknown email', async () => {
    expect(await passwordSignIn(uniqueEmail(), 'whatever password', ctx())).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
  });

  it('does not sign in to one account with another account’s password', async () => {
    const [a, b] = await Promise.all([
      makeUser('alpha password one 111'),
      makeUser('bravo password two 222'),
    ]);
    expect(await passwordSignIn(a.email, b.password, ctx())).toEqual({
      ok: false,
      kind: 'invalidCredentials',
    });
  });

  it('records success and failure events with the reason, never the password', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    const unknown = uniqueEmail();
    await passwordSignIn(user.email, 'wrong password attempt', ctx(ip));
    await passwordSignIn(unknown, 'unknown account attempt', ctx(ip));
    await passwordSignIn(user.email, user.password, ctx(ip, 'Safari/18'));

    const rows = await auditRowsFromIp(ip);
    const byType = (type: string) => rows.filter((r) => r.type === type);
    expect(
      byType('sign_in_failure')
        .map((r) => [r.userId, r.detail])
        .sort(),
    ).toEqual(
      [
        // A refusal for a real account is folded per 15 minutes, so it carries a count.
        [user.id, { reason: 'wrong_password', count: 1 }],
        [null, { reason: 'unknown_email' }],
      ].sort(),
    );
    // A right password is not yet a sign-in: the event is written with the session record.
    expect(byType('sign_in_success')).toHaveLength(0);
    await createSession(user.id, false, ctx(ip, 'Safari/18'), false, { method: 'password' });
    const after = (await auditRowsFromIp(ip)).filter((r) => r.type === 'sign_in_success');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      userId: user.id,
      userAgent: 'Safari/18',
      detail: { method: 'password' },
    });

    const dump = JSON.stringify(rows);
    for (const secret of ['wrong password attempt', 'unknown account attempt', user.password])
      expect(dump).not.toContain(secret);
    // The failure for an unknown address does not keep the address either.
    expect(dump).not.toContain(unknown);
  });
});
