import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';

const PASSWORD = 'correct horse battery staple';

describe('hashPassword / verifyPassword', () => {
  it('hashes with argon2id at the OWASP minimum parameters, never storing the password', async () => {
    const hash = await hashPassword(PASSWORD);
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(hash).not.toContain(PASSWORD);
  });

  it('salts every hash: the same password hashes differently twice', async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, PASSWORD)).toBe(true);
    expect(await verifyPassword(b, PASSWORD)).toBe(true);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword(PASSWORD);
    expect(await verifyPassword(hash, PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, `${PASSWORD} `)).toBe(false);
    expect(await verifyPassword(hash, PASSWORD.toUpperCase())).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it('handles non-ASCII passwords', async () => {
    const pw = 'pâté 🔑 Пароль 密码';
    const hash = await hashPassword(pw);
    expect(await verifyPassword(hash, pw)).toBe(true);
    expect(await verifyPassword(hash, 'pate 🔑 Пароль 密码')).toBe(false);
  });

  it('returns false for an unknown account (no hash), whatever the password', async () => {
    expect(await verifyPassword(null, PASSWORD)).toBe(false);
    expect(await verifyPassword(undefined, PASSWORD)).toBe(false);
    expect(await verifyPassword('', PASSWORD)).toBe(false);
    // Not even the dummy hash's own password opens the unknown-account path.
    expect(await verifyPassword(null, 'latchkey-dummy-password-for-timing')).toBe(false);
  });

  it('returns false, without throwing, for a corrupt stored hash', async () => {
    await expect(verifyPassword('not-a-hash', PASSWORD)).resolves.toBe(false);
    await expect(verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$broken', PASSWORD)).resolves.toBe(false);
  });
});
