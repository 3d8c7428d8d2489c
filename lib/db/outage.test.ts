import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatedAction } from '@/lib/actions';
import { messages } from '@/lib/messages';
import { loginSchema } from '@/lib/validation/auth';
import { findPostgresBin, startTempPostgres, type TempPostgres } from '@/tests/postgres-server';
import { closeDb, db, dbKind } from './client';
import { databaseKnownDown, resetHealth } from './health';
import { DatabaseUnavailableError } from './outage';
import { users } from './schema';

/**
 * A real PostgreSQL, stopped and started under the app's own client: what a request sees during
 * an outage and after it. The server is this test's own (temp folder, free port), never a shared one.
 */
const bin = findPostgresBin();
const NO_BIN =
  'no PostgreSQL binaries (initdb, pg_ctl) in PG_BIN, PATH, /usr/local/bin or /usr/lib/postgresql/*/bin';
// Short, so the test waits little for the probe; the logic is the same at the default 5 s.
const INTERVAL_MS = 1_000;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; error?: unknown; value?: T }> {
  const started = performance.now();
  try {
    const value = await work();
    return { ms: performance.now() - started, value };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

const email = (tag: string) => `outage-${tag}-${Date.now()}@example.com`;
const insertUser = async (address: string) =>
  (await db()).insert(users).values({ email: address, passwordHash: 'not-a-real-hash' });

describe.skipIf(!bin)(`database outage on a real PostgreSQL${bin ? '' : ` (skipped: ${NO_BIN})`}`, () => {
  let pg: TempPostgres;
  const previousUrl = process.env.DATABASE_URL;

  beforeAll(async () => {
    pg = await startTempPostgres(bin as string);
    // Read on first use (lib/env.ts), which is after this.
    process.env.DATABASE_URL = pg.url;
    resetHealth(INTERVAL_MS);
    await db();
    expect(await dbKind()).toBe('postgres');
  });

  afterAll(async () => {
    await closeDb().catch(() => {});
    await pg?.destroy();
    process.env.DATABASE_URL = previousUrl;
    resetHealth();
  });

  it('a stopped server: the first query fails within the timeouts, as DatabaseUnavailableError', async () => {
    await (await db()).execute(sql`select 1`);
    await pg.stop();
    const first = await timed(async () => (await db()).execute(sql`select 1`));
    console.info(`stopped server: first query failed after ${first.ms.toFixed(0)} ms`);
    expect(first.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(first.ms).toBeLessThan(8_000);
    expect(databaseKnownDown()).toBe(true);
  });

  it('while the breaker is open, queries and db() itself fail at once without trying the server', async () => {
    const viaDb = await timed(() => db());
    expect(viaDb.error).toBeInstanceOf(DatabaseUnavailableError);
    const handle = await timed(() => insertUser(email('open')));
    console.info(`breaker open: db() failed after ${viaDb.ms.toFixed(1)} ms`);
    expect(viaDb.ms).toBeLessThan(1_000);
    expect(String((viaDb.error as Error).message)).toMatch(/known down/);
    expect(handle.error).toBeInstanceOf(DatabaseUnavailableError);
  });

  it('an action answers with the unavailable message in its form, saying nothing changed', async () => {
    const action = validatedAction(loginSchema, { echo: ['email'] }, async (data) => {
      await insertUser(data.email);
      return { ok: true as boolean };
    });
    const state = await action(
      { ok: false },
      form({ email: 'someone@example.com', password: 'long enough password' }),
    );
    expect(state).toEqual({
      ok: false,
      error: messages.serviceUnavailable,
      values: { email: 'someone@example.com' },
    });
  });

  it('after the server is back, the same process recovers without a restart', async () => {
    await pg.start();
    const started = performance.now();
    let recovered = false;
    while (!recovered && performance.now() - started < 20_000) {
      recovered =
        (await (
          await db().catch(() => undefined)
        )
          ?.execute(sql`select 1`)
          .then(() => true)
          .catch(() => false)) ?? false;
      if (!recovered) await new Promise((r) => setTimeout(r, 200));
    }
    console.info(`recovered ${(performance.now() - started).toFixed(0)} ms after the restart`);
    expect(recovered).toBe(true);
    expect(databaseKnownDown()).toBe(false);
  });

  it('an action whose write committed before the outage does not claim nothing was changed', async () => {
    const address = email('committed');
    const action = validatedAction(loginSchema, {}, async (data) => {
      await insertUser(data.email);
      await pg.stop();
      await (await db()).select().from(users).where(eq(users.email, data.email));
      return { ok: true as boolean };
    });
    const state = await action({ ok: false }, form({ email: address, password: 'long enough password' }));
    expect(state.error).toBe(messages.serviceUnavailableAfterWrite);
    expect(state.error).not.toMatch(/Nothing was changed/);
    await pg.start();
    await new Promise((r) => setTimeout(r, INTERVAL_MS));
    const rows = await (await db()).select().from(users).where(eq(users.email, address));
    expect(rows).toHaveLength(1);
  });
});
