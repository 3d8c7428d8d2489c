import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/lib/db/client';
import { sessions } from '@/lib/db/schema';
import { ctx } from '@/tests/helpers';
import { makeUser, sessionRow, setupIntegration } from '@/tests/integration';
import { createSession, revokeSession, validateSession } from './sessions';

setupIntegration();

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function setExpiry(id: string, expiresAt: Date) {
  await (await db()).update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
}

describe('session tokens', () => {
  it('the token is 256 random bits; the database keeps only its SHA-256', async () => {
    const user = await makeUser();
    const { token, id } = await createSession(user.id, false, ctx());
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(id).toBe(sha256(token));
    const row = await sessionRow(id);
    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('every sign-in gets a new token and id', async () => {
    const user = await makeUser();
    const a = await createSession(user.id, false, ctx());
    const b = await createSession(user.id, false, ctx());
    expect(a.token).not.toBe(b.token);
    expect(a.id).not.toBe(b.id);
  });

  it('the stored id (shown in the sessions list) does not work as a token', async () => {
    const user = await makeUser();
    const { id } = await createSession(user.id, false, ctx());
    expect(await validateSession(id)).toBeNull();
  });

  it.each(['', 'x', 'A'.repeat(43), 'A'.repeat(10_000)])(
    'an unknown token (%#) is refused',
    async (token) => {
      expect(await validateSession(token)).toBeNull();
    },
  );
});

describe('revocation and expiry', () => {
  it('a revoked session is refused', async () => {
    const user = await makeUser();
    const { token, id } = await createSession(user.id, false, ctx());
    expect(await validateSession(token)).not.toBeNull();
    await revokeSession(id);
    expect(await validateSession(token)).toBeNull();
  });

  it('revoking one session leaves the account’s other sessions alone', async () => {
    const user = await makeUser();
    const a = await createSession(user.id, false, ctx());
    const b = await createSession(user.id, true, ctx());
    await revokeSession(a.id);
    expect(await validateSession(a.token)).toBeNull();
    expect((await validateSession(b.token))?.id).toBe(b.id);
  });

  it('revoking twice keeps the first revocation time', async () => {
    const user = await makeUser();
    const { id } = await createSession(user.id, false, ctx());
    await revokeSession(id);
    const first = (await sessionRow(id))?.revokedAt;
    expect(first).toBeInstanceOf(Date);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await revokeSession(id);
    expect((await sessionRow(id))?.revokedAt?.getTime()).toBe(first?.getTime());
  });

  it('an expired session is refused; one about to expire still works', async () => {
    const user = await makeUser();
    const { token, id } = await createSession(user.id, true, ctx());
    await setExpiry(id, new Date(Date.now() + 60_000));
    expect(await validateSession(token)).not.toBeNull();
    await setExpiry(id, new Date(Date.now() - 1_000));
    expect(await validateSession(token)).toBeNull();
  });

  it('validating an expired or revoked session does not revive it', async () => {
    const user = await makeUser();
    const { token, id } = await createSession(user.id, false, ctx());
    await setExpiry(id, new Date(Date.now() - 1_000));
    await validateSession(token);
    expect((await sessionRow(id))?.expiresAt.getTime()).toBeLessThan(Date.now());
    expect(await validateSession(token)).toBeNull();
  });
});
