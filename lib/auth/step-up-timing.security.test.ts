import { afterEach, describe, expect, it, vi } from 'vitest';
import { ctx } from '@/tests/helpers';
import { setupIntegration } from '@/tests/integration';
import { enrolledUser, freezeClock } from '@/tests/mfa';

// Every argon2id verification, counted: the work (and so the time) each answer costs.
vi.mock('@node-rs/argon2', () => import('@/tests/argon2-calls'));
const { verifiedHashes } = await import('@/tests/argon2-calls');

const { stepUp } = await import('./step-up');

setupIntegration();
afterEach(() => {
  vi.useRealTimers();
  verifiedHashes.length = 0;
});

const WRONG_PASSWORD = 'definitely not the password';
const WRONG_BACKUP = 'ZZZZZ-ZZZZZ';

async function work(run: () => Promise<unknown>): Promise<number> {
  verifiedHashes.length = 0;
  await run();
  return verifiedHashes.length;
}

describe('step-up answers in the same time whether the password or the code was wrong', () => {
  it('a wrong password still checks the backup code (spending nothing): the same argon2 work as a wrong code', async () => {
    freezeClock();
    const user = await enrolledUser();
    const wrongPassword = await work(() => stepUp(user.id, WRONG_PASSWORD, WRONG_BACKUP, ctx()));
    const wrongCode = await work(() => stepUp(user.id, user.password, WRONG_BACKUP, ctx()));
    expect(wrongPassword).toBe(wrongCode);
    // The password, then one backup-code hash: the row whose lookup is 'ZZ', else the dummy.
    expect(wrongCode).toBe(1 + 1);

    // And a right code with a wrong password is checked but not spent.
    const code = user.backupCodes[0] ?? '';
    expect(await stepUp(user.id, WRONG_PASSWORD, code, ctx())).toMatchObject({
      ok: false,
      kind: 'invalidCode',
    });
    expect(await stepUp(user.id, user.password, code, ctx())).toMatchObject({ ok: true, method: 'backup' });
  });
});
