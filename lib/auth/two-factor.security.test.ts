import { afterEach, describe, expect, it, vi } from 'vitest';
import { mfaStatus } from '@/lib/mfa/factors';
import { ctx, pinClockToMidWindow } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { enrolledUser, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { passwordSignIn } from './login';
import { createSession } from './sessions';
import { regenerateCodes, startTwoFactorSetup } from './two-factor';

tempOutbox('two-factor-sec');
setupIntegration();
afterEach(() => vi.useRealTimers());

const WRONG = 'not the password at all';

async function ownerOf(user: { id: string; email: string }) {
  const session = await createSession(user.id, false, ctx());
  return { userId: user.id, email: user.email, sessionId: session.id, remember: false };
}

describe('a stolen session cannot put its own authenticator on the account', () => {
  it('set-up shows no secret, and creates nothing, without the password', async () => {
    const user = await makeUser();
    const owner = await ownerOf(user);
    expect(await startTwoFactorSetup(owner, WRONG, ctx())).toEqual({
      ok: false,
      kind: 'currentPasswordWrong',
      field: 'password',
    });
    expect(await mfaStatus(user.id)).toMatchObject({ enabled: false, pending: false });
    const right = await startTwoFactorSetup(owner, user.password, ctx());
    expect(right).toMatchObject({
      ok: true,
      enrollment: { secret: expect.stringMatching(/^[A-Z2-7]{32}$/) },
    });
    expect(await mfaStatus(user.id)).toMatchObject({ pending: true });
  });

  it('guessing the password from a session is limited per session, and never locks the owner out of signing in', async () => {
    // The budgets count in fixed 15-minute windows: guesses that straddled a window's end would
    // be counted in two, and the sixth would pass.
    pinClockToMidWindow();
    const user = await makeUser();
    const owner = await ownerOf(user);
    for (let i = 0; i < 5; i++) {
      expect(await startTwoFactorSetup(owner, WRONG, ctx())).toMatchObject({ kind: 'currentPasswordWrong' });
    }
    expect(await startTwoFactorSetup(owner, user.password, ctx())).toMatchObject({ kind: 'rate_limited' });
    // Those were in-session re-checks: public sign-in still has its whole budget.
    expect(await passwordSignIn(user.email, user.password, ctx())).toMatchObject({ ok: true });
  });

  it('the per-user re-check budget holds across sessions (10), so new sessions do not buy more guesses', async () => {
    pinClockToMidWindow();
    const user = await makeUser();
    for (let i = 0; i < 10; i++) {
      const owner = await ownerOf(user);
      expect(await startTwoFactorSetup(owner, WRONG, ctx())).toMatchObject({ kind: 'currentPasswordWrong' });
    }
    expect(await startTwoFactorSetup(await ownerOf(user), user.password, ctx())).toMatchObject({
      kind: 'rate_limited',
    });
  });
});

describe('backup-code regeneration is budgeted (ten argon2id hashes each)', () => {
  it('5 an hour, counting only sets made', async () => {
    freezeClock();
    const user = await enrolledUser();
    const owner = await ownerOf(user);
    const codes = [...user.backupCodes];
    for (let i = 0; i < 5; i++) {
      const made = await regenerateCodes(owner, user.password, codes.shift() ?? '', ctx());
      expect(made.ok).toBe(true);
      if (made.ok) codes.splice(0, codes.length, ...made.backupCodes);
    }
    expect(await regenerateCodes(owner, user.password, codes[0] ?? '', ctx())).toMatchObject({
      kind: 'rate_limited',
    });
  });
});
