import { eq, type SQL, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { db, dbKind } from '@/lib/db/client';
import { sessions, totpFactors, users } from '@/lib/db/schema';
import { ctx } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { cachedSession, ENTRY_TTL_MS } from './session-cache';
import { createSession, validateSession } from './sessions';

setupIntegration();

/**
 * A write the database does not announce (triggers off for this one transaction, as a replica
 * applies changes): what a cached entry would miss if the announcements did not exist. Only the
 * tests write this way; it shows when a check was answered from the cache.
 */
async function silently(statement: SQL): Promise<void> {
  await (await db()).transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(statement);
  });
}

const revoke = (id: string) => sql`update sessions set revoked_at = now() where id = ${id}`;
const renameUser = (userId: string, email: string) =>
  sql`update users set email = ${email} where id = ${userId}`;

/**
 * A session, validated and in the cache. A read during which any announcement arrives is not
 * cached (by design: it may be stale), and against a shared PostgreSQL the files running
 * alongside announce changes to their own accounts all the time; so check again until one read is
 * kept, or the cache tests below would sometimes test nothing, and the first one fail.
 */
async function signedIn() {
  const user = await makeUser();
  const session = await createSession(user.id, true, ctx());
  await vi.waitFor(
    async () => {
      expect(await validateSession(session.token)).not.toBeNull();
      expect(cachedSession(session.id)).toBeDefined();
    },
    { timeout: 5_000 },
  );
  return { user, ...session };
}

/**
 * PGlite delivers an announcement before the write that raised it returns; PostgreSQL delivers
 * it on the listening connection a moment after the commit.
 */
async function refusedAfterWrite(token: string): Promise<void> {
  if ((await dbKind()) === 'pglite') expect(await validateSession(token)).toBeNull();
  else await vi.waitFor(async () => expect(await validateSession(token)).toBeNull(), { timeout: 2_000 });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the session cache', () => {
  it('answers a repeated check from the cache (a change it is not told of goes unseen)', async () => {
    const { token, user } = await signedIn();
    await silently(renameUser(user.id, `unseen-${user.email}`));
    expect(await validateSession(token)).toMatchObject({ email: user.email });
  });

  it('a session revoked by any writer is refused at once: SQL from outside the app, as another instance or a script', async () => {
    const { token, id } = await signedIn();
    await (await db()).execute(revoke(id));
    expect(await validateSession(token)).toBeNull();
  });

  it('a revocation is refused at once even before its announcement arrives, where announcements come late (PostgreSQL); PGlite announces before the write returns', async () => {
    const postgres = (await dbKind()) === 'postgres';
    const revoked = await signedIn();
    await silently(revoke(revoked.id));
    // Two-factor turned on for an account whose session never passed it (enabling ends the other
    // sessions, a moment later and in another statement).
    const unverified = await signedIn();
    await silently(
      sql`insert into totp_factors (user_id, secret_encrypted, enabled_at) values (${unverified.user.id}, 'x', now())`,
    );
    for (const { token } of [revoked, unverified]) {
      if (postgres) expect(await validateSession(token)).toBeNull();
      // PGlite: an unannounced change is what the cache cannot see; every real write announces.
      else expect(await validateSession(token)).not.toBeNull();
    }
  });

  it('every change that alters a check empties the entry', async () => {
    const database = await db();
    const cases: [string, (s: Awaited<ReturnType<typeof signedIn>>) => Promise<void>][] = [
      [
        'ended early',
        async (s) => {
          await database.update(sessions).set({ expiresAt: new Date() }).where(eq(sessions.id, s.id));
        },
      ],
      [
        'two-factor turned on for an account whose session did not pass it',
        async (s) => {
          await database
            .insert(totpFactors)
            .values({ userId: s.user.id, secretEncrypted: 'x', enabledAt: new Date() });
        },
      ],
      [
        'account deleted',
        async (s) => {
          await database.delete(users).where(eq(users.id, s.user.id));
        },
      ],
      [
        'session row deleted',
        async (s) => {
          await database.delete(sessions).where(eq(sessions.id, s.id));
        },
      ],
    ];
    for (const [what, change] of cases) {
      const s = await signedIn();
      await change(s);
      await refusedAfterWrite(s.token).catch((error) => {
        throw new Error(`${what}: ${error}`);
      });
    }
  });

  it('the account facts a page shows come fresh after a change: address and its verification', async () => {
    const { token, user } = await signedIn();
    const database = await db();
    const email = `changed-${user.email}`;
    await database.update(users).set({ email, emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
    await vi.waitFor(
      async () => expect(await validateSession(token)).toMatchObject({ email, emailVerified: true }),
      {
        timeout: 2_000,
      },
    );
  });

  it('last-seen writes are not announced (they would empty the cache once a minute per session)', async () => {
    const { token, id, user } = await signedIn();
    const database = await db();
    await database.update(sessions).set({ lastSeenAt: new Date() }).where(eq(sessions.id, id));
    await silently(renameUser(user.id, `unseen-${user.email}`));
    await new Promise((r) => setTimeout(r, 100));
    expect(await validateSession(token)).toMatchObject({ email: user.email });
  });

  it('an entry is asked again after ENTRY_TTL_MS, and never outlives its session', async () => {
    const stale = await signedIn();
    const renamed = `later-${stale.user.email}`;
    await silently(renameUser(stale.user.id, renamed));
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ENTRY_TTL_MS + 1_000 });
    expect(await validateSession(stale.token)).toMatchObject({ email: renamed });
    vi.useRealTimers();

    const user = await makeUser();
    const browser = await createSession(user.id, false, ctx());
    expect(await validateSession(browser.token)).not.toBeNull();
    const row = await (await db()).select().from(sessions).where(eq(sessions.id, browser.id));
    vi.useFakeTimers({ toFake: ['Date'], now: (row[0]?.expiresAt.getTime() ?? 0) + 1 });
    expect(await validateSession(browser.token)).toBeNull();
  });

  it.runIf(process.env.DATABASE_URL)(
    'PostgreSQL: when the listening connection is lost, nothing is served from the cache until it listens again',
    async () => {
      const database = await db();
      const before = await signedIn();
      await database.execute(
        sql`select pg_terminate_backend(pid) from pg_stat_activity
            where application_name = 'latchkey-listener' and datname = current_database() and pid <> pg_backend_pid()`,
      );
      // Missed while nobody listened: must not be served.
      const renamed = `missed-${before.user.email}`;
      await silently(renameUser(before.user.id, renamed));
      await vi.waitFor(
        async () => expect(await validateSession(before.token)).toMatchObject({ email: renamed }),
        {
          timeout: 2_000,
        },
      );

      // Listening again (within about a second): served from the cache again.
      await vi.waitFor(
        async () => {
          const again = await signedIn();
          await silently(renameUser(again.user.id, `unseen-${again.user.email}`));
          expect(await validateSession(again.token)).toMatchObject({ email: again.user.email });
        },
        { timeout: 5_000, interval: 200 },
      );
    },
  );
});
