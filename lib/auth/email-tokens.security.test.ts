import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { emailTokens, users } from '@/lib/db/schema';
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

afterEach(() => {
  vi.useRealTimers();
});

const PURPOSES = ['verify_email', 'reset_password', 'change_email'] as const;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function issue(userId: string, purpose: EmailTokenPurpose): Promise<string> {
  return issueEmailToken({
    userId,
    purpose,
    newEmail: purpose === 'change_email' ? uniqueEmail('new') : undefined,
  });
}

async function rowsOf(userId: string) {
  return (await db()).select().from(emailTokens).where(eq(emailTokens.userId, userId));
}

describe('expiry', () => {
  it.each(PURPOSES)('a %s token works until its lifetime ends, not after', async (purpose) => {
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(start);
    const user = await makeUser();
    const token = await issue(user.id, purpose);
    const lifetime = TOKEN_LIFETIME_MS[purpose];

    vi.setSystemTime(start + lifetime - 1_000);
    expect(await peekEmailToken(token, purpose)).not.toBeNull();
    vi.setSystemTime(start + lifetime);
    expect(await peekEmailToken(token, purpose)).toBeNull();
    expect(await redeemEmailToken(token, purpose)).toBeNull();
    vi.setSystemTime(start + lifetime + 1_000);
    expect(await redeemEmailToken(token, purpose)).toBeNull();
    // Refused, not spent: the row still says unused (nothing was consumed by the late attempt).
    expect((await rowsOf(user.id))[0]?.usedAt).toBeNull();

    // The same token redeemed in time succeeds, so the refusals above are about time alone.
    vi.setSystemTime(start + lifetime - 1_000);
    expect(await redeemEmailToken(token, purpose)).toMatchObject({ userId: user.id });
  });
});

describe('single use', () => {
  it('a token is accepted once', async () => {
    const user = await makeUser();
    const token = await issue(user.id, 'reset_password');
    expect(await redeemEmailToken(token, 'reset_password')).toEqual({ userId: user.id, newEmail: null });
    expect(await redeemEmailToken(token, 'reset_password')).toBeNull();
    expect(await peekEmailToken(token, 'reset_password')).toBeNull();
  });

  it('20 concurrent redeems of one token: exactly one succeeds', async () => {
    const user = await makeUser();
    const token = await issue(user.id, 'reset_password');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => redeemEmailToken(token, 'reset_password')),
    );
    expect(results.filter((r) => r !== null)).toEqual([{ userId: user.id, newEmail: null }]);
  });

  it('concurrent requests for a new link leave exactly one live token', async () => {
    const user = await makeUser();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => issue(user.id, 'reset_password')));
    const live = await (await db())
      .select()
      .from(emailTokens)
      .where(and(eq(emailTokens.userId, user.id), isNull(emailTokens.usedAt)));
    expect(live).toHaveLength(1);
    const redeemed = await Promise.all(tokens.map((t) => redeemEmailToken(t, 'reset_password')));
    expect(redeemed.filter((r) => r !== null)).toHaveLength(1);
  });
});

describe('a newer token supersedes older ones', () => {
  it('of the same purpose and user', async () => {
    const user = await makeUser();
    const first = await issue(user.id, 'reset_password');
    const second = await issue(user.id, 'reset_password');
    const third = await issue(user.id, 'reset_password');
    expect(await peekEmailToken(first, 'reset_password')).toBeNull();
    expect(await redeemEmailToken(first, 'reset_password')).toBeNull();
    expect(await redeemEmailToken(second, 'reset_password')).toBeNull();
    expect(await redeemEmailToken(third, 'reset_password')).toEqual({ userId: user.id, newEmail: null });
  });

  it('but not one of another purpose, nor another user’s', async () => {
    const user = await makeUser();
    const other = await makeUser();
    const verify = await issue(user.id, 'verify_email');
    const change = await issue(user.id, 'change_email');
    const othersReset = await issue(other.id, 'reset_password');
    await issue(user.id, 'reset_password');
    expect(await redeemEmailToken(verify, 'verify_email')).toMatchObject({ userId: user.id });
    expect(await redeemEmailToken(change, 'change_email')).toMatchObject({ userId: user.id });
    expect(await redeemEmailToken(othersReset, 'reset_password')).toMatchObject({ userId: other.id });
  });
});

describe('purpose', () => {
  it.each(PURPOSES)(
    'a %s token is refused for every other purpose, and not spent by trying',
    async (purpose) => {
      const user = await makeUser();
      const token = await issue(user.id, purpose);
      for (const wrong of PURPOSES.filter((p) => p !== purpose)) {
        expect(await peekEmailToken(token, wrong)).toBeNull();
        expect(await redeemEmailToken(token, wrong)).toBeNull();
      }
      expect(await redeemEmailToken(token, purpose)).toMatchObject({ userId: user.id });
    },
  );
});

describe('storage', () => {
  it('the raw token is never stored, only its SHA-256 hex; the hash does not work as a token', async () => {
    const user = await makeUser();
    const tokens = await Promise.all(PURPOSES.map((p) => issue(user.id, p)));
    const rows = await rowsOf(user.id);
    expect(rows).toHaveLength(3);
    const dump = JSON.stringify(rows);
    for (const token of tokens) {
      expect(dump).not.toContain(token);
      expect(rows.map((r) => r.tokenHash)).toContain(sha256(token));
    }
    for (const row of rows) {
      expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(await redeemEmailToken(row.tokenHash, row.purpose)).toBeNull();
    }
  });

  it('deleting the user deletes its tokens', async () => {
    const user = await makeUser();
    const token = await issue(user.id, 'verify_email');
    await issue(user.id, 'change_email');
    expect(await rowsOf(user.id)).toHaveLength(2);
    await (await db()).delete(users).where(eq(users.id, user.id));
    expect(await rowsOf(user.id)).toHaveLength(0);
    expect(await redeemEmailToken(token, 'verify_email')).toBeNull();
  });
});

describe('malformed input', () => {
  const garbage: unknown[] = [
    undefined,
    null,
    0,
    123,
    true,
    {},
    [],
    ['A'.repeat(43)],
    { toString: () => 'A'.repeat(43) },
    Symbol('token'),
    '',
    ' ',
    'A'.repeat(42),
    'A'.repeat(44),
    'A'.repeat(43),
    'A'.repeat(1024 * 1024),
    `${'A'.repeat(42)}=`,
    `${'A'.repeat(42)}\0`,
    `${'A'.repeat(42)}\uD800`,
    `${'A'.repeat(41)}é`,
    "' OR 1=1 --",
    '%00',
  ];

  it.each(garbage.map((g, i) => [i, g]))('input #%i is refused without throwing', async (_, input) => {
    for (const purpose of PURPOSES) {
      await expect(peekEmailToken(input, purpose)).resolves.toBeNull();
      await expect(redeemEmailToken(input, purpose)).resolves.toBeNull();
    }
  });

  it('a live token with whitespace, changed case or an unknown purpose is refused, and stays usable', async () => {
    const user = await makeUser();
    const token = await issue(user.id, 'reset_password');
    const flipped = token.replace(/[a-zA-Z]/, (c) =>
      c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase(),
    );
    for (const variant of [` ${token}`, `${token}\n`, token.slice(1), flipped]) {
      expect(await redeemEmailToken(variant, 'reset_password')).toBeNull();
    }
    for (const purpose of ['constructor', '__proto__', 'toString', '', 'RESET_PASSWORD']) {
      expect(await redeemEmailToken(token, purpose as never)).toBeNull();
      expect(await peekEmailToken(token, purpose as never)).toBeNull();
    }
    expect(await redeemEmailToken(token, 'reset_password')).toEqual({ userId: user.id, newEmail: null });
  });
});
