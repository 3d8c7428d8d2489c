import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { emailTokens } from '@/lib/db/schema';
import { uniqueEmail } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import {
  type EmailTokenPurpose,
  issueEmailToken,
  peekEmailToken,
  redeemEmailToken,
  TOKEN_LIFETIME_MS,
} from './email-tokens';

setupIntegration();

const HOUR = 60 * 60 * 1000;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function tokenRow(token: string) {
  const [row] = await (await db())
    .select()
    .from(emailTokens)
    .where(eq(emailTokens.tokenHash, sha256(token)));
  return row;
}

describe('email token lifetimes', () => {
  it('verification 24 hours, reset and email change 1 hour, "This wasn\'t me" 24 hours', () => {
    expect(TOKEN_LIFETIME_MS).toEqual({
      verify_email: 24 * HOUR,
      reset_password: HOUR,
      change_email: HOUR,
      undo_mfa_enable: 24 * HOUR,
      undo_email_change: 24 * HOUR,
    });
  });

  it.each(['verify_email', 'reset_password', 'change_email'] as const)(
    'a %s token is stored with its lifetime',
    async (purpose: EmailTokenPurpose) => {
      const user = await makeUser();
      const token = await issueEmailToken({
        userId: user.id,
        purpose,
        newEmail: purpose === 'change_email' ? uniqueEmail('new') : undefined,
      });
      const row = await tokenRow(token);
      expect(row?.purpose).toBe(purpose);
      expect(row?.usedAt).toBeNull();
      expect((row?.expiresAt.getTime() ?? 0) - (row?.createdAt.getTime() ?? 0)).toBe(
        TOKEN_LIFETIME_MS[purpose],
      );
    },
  );
});

describe('issue, peek, redeem', () => {
  it('the token is 256 random bits, base64url; every request gets a new one', async () => {
    const user = await makeUser();
    const a = await issueEmailToken({ userId: user.id, purpose: 'verify_email' });
    const b = await issueEmailToken({ userId: user.id, purpose: 'verify_email' });
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('peek shows the owner without spending; redeem spends', async () => {
    const user = await makeUser();
    const token = await issueEmailToken({ userId: user.id, purpose: 'reset_password' });
    expect(await peekEmailToken(token, 'reset_password')).toEqual({ userId: user.id, newEmail: null });
    expect(await peekEmailToken(token, 'reset_password')).toEqual({ userId: user.id, newEmail: null });
    expect((await tokenRow(token))?.usedAt).toBeNull();
    expect(await redeemEmailToken(token, 'reset_password')).toEqual({ userId: user.id, newEmail: null });
    expect((await tokenRow(token))?.usedAt).toBeInstanceOf(Date);
    expect(await peekEmailToken(token, 'reset_password')).toBeNull();
  });

  it('an email change token carries the new address', async () => {
    const user = await makeUser();
    const newEmail = uniqueEmail('new');
    const token = await issueEmailToken({ userId: user.id, purpose: 'change_email', newEmail });
    expect(await peekEmailToken(token, 'change_email')).toEqual({ userId: user.id, newEmail });
    expect(await redeemEmailToken(token, 'change_email')).toEqual({ userId: user.id, newEmail });
  });

  it('misuse by the caller throws instead of issuing a meaningless link', async () => {
    const user = await makeUser();
    await expect(issueEmailToken({ userId: user.id, purpose: 'change_email' })).rejects.toThrow(TypeError);
    await expect(
      issueEmailToken({ userId: user.id, purpose: 'verify_email', newEmail: uniqueEmail() }),
    ).rejects.toThrow(TypeError);
    await expect(issueEmailToken({ userId: user.id, purpose: 'login' as never })).rejects.toThrow(TypeError);
    await expect(
      issueEmailToken({ userId: '00000000-0000-4000-8000-000000000000', purpose: 'verify_email' }),
    ).rejects.toThrow(/unknown user/);
  });
});
