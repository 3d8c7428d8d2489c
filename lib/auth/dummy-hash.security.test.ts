import { afterEach, describe, expect, it, vi } from 'vitest';
import { ctx, uniqueEmail } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';

// Every argon2id verification, with the hash it was asked to check.
vi.mock('@node-rs/argon2', () => import('@/tests/argon2-calls'));
const { verifiedHashes } = await import('@/tests/argon2-calls');

const { passwordSignIn } = await import('./login');
const { verifyPassword } = await import('./password');

setupIntegration();

afterEach(() => {
  verifiedHashes.length = 0;
});

const ARGON2ID_OWASP = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

describe('unknown email: the same argon2id work as a wrong password (no timing oracle)', () => {
  it('verifyPassword with no stored hash runs one verification against a dummy hash of the same parameters', async () => {
    expect(await verifyPassword(null, 'any password at all')).toBe(false);
    expect(verifiedHashes).toHaveLength(1);
    expect(verifiedHashes[0]).toMatch(ARGON2ID_OWASP);
  });

  it('a sign-in for an unknown address verifies once, like a sign-in with a wrong password', async () => {
    const user = await makeUser();
    await passwordSignIn(user.email, 'not the password of this one', ctx());
    const known = [...verifiedHashes];
    verifiedHashes.length = 0;
    await passwordSignIn(uniqueEmail(), 'not the password of this one', ctx());
    expect(known).toHaveLength(1);
    expect(verifiedHashes).toHaveLength(1);
    // The same parameters, so the same cost; a different hash (the dummy, not the user's).
    expect(verifiedHashes[0]).toMatch(ARGON2ID_OWASP);
    expect(known[0]).toMatch(ARGON2ID_OWASP);
    expect(verifiedHashes[0]).not.toBe(known[0]);
  });
});
