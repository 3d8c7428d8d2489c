import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { messages } from '@/lib/messages';
import { ctx, shown, uniqueEmail, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, setupIntegration, userRow, usersWithEmail } from '@/tests/integration';
import { verifyPassword } from './password';
import { registerUser } from './register';

setupIntegration();

const PASSWORD = 'marble otter canyon 1987';

describe('registerUser', () => {
  it('creates the account and returns a DTO without the hash', async () => {
    const email = uniqueEmail();
    const result = await registerUser(email, PASSWORD, ctx());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.user).sort()).toEqual(['createdAt', 'email', 'id']);
    expect(result.user.email).toBe(email);
    expect(result.user.createdAt).toBeInstanceOf(Date);
  });

  it('stores an argon2id hash, never the password', async () => {
    const email = uniqueEmail();
    await registerUser(email, PASSWORD, ctx());
    const row = await userRow(email);
    expect(row?.passwordHash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(await verifyPassword(row?.passwordHash, PASSWORD)).toBe(true);
  });

  it("records a 'registered' event for the new account, without the password", async () => {
    const ip = uniqueIp();
    const result = await registerUser(uniqueEmail(), PASSWORD, ctx(ip, 'Firefox/140'));
    if (!result.ok) throw new Error('registration failed');
    const rows = await auditRowsFromIp(ip);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      type: 'registered',
      userId: result.user.id,
      ipAddress: ip,
      userAgent: 'Firefox/140',
    });
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });

  it("refuses an email that is taken with a field error on 'email', keeping the first account", async () => {
    const email = uniqueEmail();
    const first = await registerUser(email, PASSWORD, ctx());
    const second = await registerUser(email, 'another entirely different secret', ctx());
    expect(shown(second)).toEqual({ ok: false, field: 'email', message: messages.emailTaken });
    const rows = await usersWithEmail(email);
    expect(rows).toHaveLength(1);
    expect(first.ok && rows[0]?.id === first.user.id).toBe(true);
    expect(await verifyPassword(rows[0]?.passwordHash, PASSWORD)).toBe(true);
  });

  it("refuses a common password with a field error on 'password' and creates nothing", async () => {
    const email = uniqueEmail();
    expect(shown(await registerUser(email, '1qaz2wsx3edc', ctx()))).toEqual({
      ok: false,
      field: 'password',
      message: messages.passwordCommon,
    });
    expect(await usersWithEmail(email)).toHaveLength(0);
  });

  it('refuses a password containing the email local part', async () => {
    const local = `frederica${randomBytes(4).toString('hex')}`;
    const email = `${local}@example.com`;
    const result = await registerUser(email, `${local.toUpperCase()} likes long walks`, ctx());
    expect(shown(result)).toEqual({ ok: false, field: 'password', message: messages.passwordHasEmail });
    expect(await usersWithEmail(email)).toHaveLength(0);
  });
});
