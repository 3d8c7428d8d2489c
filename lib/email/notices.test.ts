import { afterEach, describe, expect, it, vi } from 'vitest';
import { changePassword } from '@/lib/auth/change-password';
import { stepUp } from '@/lib/auth/step-up';
import { ctx, uniqueEmail } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { enrolledUser, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { type SecurityNotice, sendSecurityNotice } from './notices';
import { listOutbox } from './outbox';

const outbox = tempOutbox('notices');

setupIntegration();
afterEach(() => vi.useRealTimers());

async function mailsTo(email: string) {
  return (await listOutbox(outbox)).filter((m) => m.to === email);
}

const cases: [SecurityNotice, RegExp, RegExp][] = [
  [{ kind: 'password_changed' }, /password was changed/, /Every other session was signed out/],
  [{ kind: 'password_reset' }, /password was reset/, /Every session was signed out/],
  [
    { kind: 'email_changed', newEmail: 'next@example.com' },
    /email address .* was changed/,
    /to next@example\.com/,
  ],
  [{ kind: 'mfa_enabled' }, /Two-factor authentication is on/, /turned on/],
  [{ kind: 'mfa_disabled' }, /Two-factor authentication was turned off/, /password only/],
  [{ kind: 'backup_code_used', left: 7 }, /A backup code was used/, /You have 7 backup codes left\./],
  [{ kind: 'backup_codes_regenerated' }, /New backup codes/, /old ones no longer work/],
  [{ kind: 'account_deleted' }, /account was deleted/, /everything in it were deleted/],
];

describe('security notices', () => {
  it.each(cases)(
    '%o: says what happened, when, from where, and what to do',
    async (notice, subject, body) => {
      const user = await makeUser();
      const from = ctx(
        '198.51.100.23',
        'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 <b>see https://evil.example</b>',
      );
      expect(await sendSecurityNotice(user.id, notice, from)).toBe(true);
      const [mail] = await mailsTo(user.email);
      expect(mail?.subject).toMatch(subject);
      expect(mail?.text).toMatch(body);
      expect(mail?.text).toContain('From: Firefox on Linux, IP address 198.51.100.23');
      expect(mail?.text).toMatch(/When: \w{3}, \d{2} \w{3} \d{4}/);
      // The user agent is the requester's own text: it never reaches the victim's inbox.
      expect(`${mail?.text}${mail?.html}`).not.toMatch(/evil|<b>/);
      if (notice.kind === 'account_deleted') {
        expect(mail?.text).not.toMatch(/settings\/security/);
      } else {
        expect(mail?.text).toContain('http://localhost:3000/forgot-password');
        expect(mail?.text).toContain('http://localhost:3000/settings/security');
      }
    },
  );

  it('warns when backup codes run low', async () => {
    const user = await makeUser();
    await sendSecurityNotice(user.id, { kind: 'backup_code_used', left: 1 }, ctx());
    const [mail] = await mailsTo(user.email);
    expect(mail?.text).toContain('You have 1 backup code left.');
    expect(mail?.text).toMatch(/running low/);
  });

  it('goes to the address given (the old one, after an address change)', async () => {
    const user = await makeUser();
    const old = uniqueEmail('old');
    await sendSecurityNotice(user.id, { kind: 'email_changed', newEmail: user.email }, ctx(), { to: old });
    expect(await mailsTo(old)).toHaveLength(1);
    expect(await mailsTo(user.email)).toHaveLength(0);
  });

  it('sends nothing for an account that does not exist', async () => {
    expect(
      await sendSecurityNotice('00000000-0000-4000-8000-000000000000', { kind: 'mfa_enabled' }, ctx()),
    ).toBe(false);
  });

  it('a password change sends one', async () => {
    const user = await makeUser();
    const result = await changePassword(user, user.password, 'a brand new passphrase 7', 'no-session', ctx());
    expect(result.ok).toBe(true);
    const mails = await mailsTo(user.email);
    expect(mails.map((m) => m.subject)).toEqual(['Your Latchkey password was changed']);
  });

  it('a backup code used anywhere sends one, with how many are left', async () => {
    freezeClock();
    const user = await enrolledUser();
    const [code] = user.backupCodes;
    // The check itself sends no mail; every flow that spends a code does (here: step-up).
    const result = await stepUp(user.id, user.password, code ?? '', ctx());
    expect(result).toMatchObject({ ok: true, backupCodesLeft: 9 });
    const [mail] = await mailsTo(user.email);
    expect(mail?.subject).toBe('A backup code was used for your Latchkey account');
    expect(mail?.text).toContain('You have 9 backup codes left.');
    // Never the code itself.
    expect(mail?.text).not.toContain(code);
  });
});
