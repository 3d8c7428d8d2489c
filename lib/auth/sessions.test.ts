import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { ctx, uniqueIp } from '@/tests/helpers';
import { makeUser, sessionRow, setupIntegration } from '@/tests/integration';
import { BROWSER_SESSION_MS, createSession, REMEMBER_SESSION_MS, validateSession } from './sessions';

setupIntegration();

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

describe('createSession / validateSession', () => {
  it('returns the session for its token as a DTO without secrets', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    const { token, id } = await createSession(user.id, false, ctx(ip));
    const session = await validateSession(token);
    expect(session).toMatchObject({ id, userId: user.id, email: user.email, remember: false, ipAddress: ip });
    expect(session?.createdAt).toBeInstanceOf(Date);
    expect(session?.expiresAt).toBeInstanceOf(Date);
    expect(Object.keys(session ?? {})).not.toContain('passwordHash');
    expect(JSON.stringify(session)).not.toContain(token);
    expect(JSON.stringify(session)).not.toContain('$argon2id$');
  });

  it('records the device it was created from', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    const { id } = await createSession(user.id, true, ctx(ip, 'Mozilla/5.0 (X11; Linux x86_64)'));
    expect(await sessionRow(id)).toMatchObject({
      userId: user.id,
      ipAddress: ip,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      remember: true,
      revokedAt: null,
    });
  });

  it('without "Remember me", the record ends within 24 hours', async () => {
    const user = await makeUser();
    const before = Date.now();
    const { token } = await createSession(user.id, false, ctx());
    const after = Date.now();
    const expires = (await validateSession(token))?.expiresAt.getTime() ?? 0;
    expect(expires).toBeGreaterThanOrEqual(before + BROWSER_SESSION_MS);
    expect(expires).toBeLessThanOrEqual(after + DAY);
  });

  it('with "Remember me", the session lasts about 30 days', async () => {
    const user = await makeUser();
    const before = Date.now();
    const { token } = await createSession(user.id, true, ctx());
    const after = Date.now();
    const session = await validateSession(token);
    expect(session?.remember).toBe(true);
    const expires = session?.expiresAt.getTime() ?? 0;
    expect(REMEMBER_SESSION_MS).toBe(30 * DAY);
    expect(expires).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(expires).toBeLessThanOrEqual(after + 30 * DAY);
  });

  it('refreshes last_seen_at when it is more than a minute old, and only then, off the request path', async () => {
    const user = await makeUser();
    const { token, id } = await createSession(user.id, false, ctx());
    const created = (await sessionRow(id))?.lastSeenAt.getTime() ?? 0;
    vi.useFakeTimers({ toFake: ['Date'], now: created + 30_000 });
    try {
      // Served from the database, then from the cache: seen 30 s ago, nothing to write.
      expect(await validateSession(token)).not.toBeNull();
      expect(await validateSession(token)).not.toBeNull();
      expect((await sessionRow(id))?.lastSeenAt.getTime()).toBe(created);

      // Ninety seconds after: written once, and the check did not wait for the write to
      // say yes (it lands just after).
      vi.setSystemTime(created + 90_000);
      expect(await validateSession(token)).not.toBeNull();
      await vi.waitFor(async () =>
        expect((await sessionRow(id))?.lastSeenAt.getTime()).toBe(created + 90_000),
      );
      vi.setSystemTime(created + 100_000);
      expect(await validateSession(token)).not.toBeNull();
      await new Promise((r) => setTimeout(r, 50));
      expect((await sessionRow(id))?.lastSeenAt.getTime()).toBe(created + 90_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a session ends with its account', async () => {
    const user = await makeUser();
    const { token } = await createSession(user.id, true, ctx());
    const { users } = await import('@/lib/db/schema');
    await (await db()).delete(users).where(eq(users.id, user.id));
    expect(await validateSession(token)).toBeNull();
  });
});
