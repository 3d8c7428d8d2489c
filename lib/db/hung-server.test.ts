import net from 'node:net';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findPostgresBin, startTempPostgres, type TempPostgres } from '@/tests/postgres-server';
import { POSTGRES_LIMITS } from './client';
import { guardedPostgres } from './guarded-postgres';
import { databaseKnownDown, resetHealth } from './health';
import { DatabaseUnavailableError } from './outage';

/**
 * A server that accepts TCP and then never answers (hung, paused, or a network path that drops
 * everything): without deadlines postgres.js waits for TCP keepalive, minutes. Measured here
 * with the same settings the app uses (lib/db/client.ts).
 */
async function timed(work: () => PromiseLike<unknown>): Promise<{ ms: number; error?: unknown }> {
  const started = performance.now();
  try {
    await work();
    return { ms: performance.now() - started };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

const sockets = new Set<net.Socket>();
afterEach(() => resetHealth());
afterAll(() => {
  for (const socket of sockets) socket.destroy();
});

describe('a server that accepts connections and never answers', () => {
  let server: net.Server;
  let port: number;
  beforeAll(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    port = await listen(server);
  });
  afterAll(() => server.close());

  it('the first query fails within seconds as DatabaseUnavailableError, the next at once', async () => {
    resetHealth(60_000);
    const pool = guardedPostgres(() =>
      postgres(`postgres://nobody@127.0.0.1:${port}/x`, { max: 2, ...POSTGRES_LIMITS }),
    );
    const first = await timed(() => pool.client.unsafe('select 1'));
    console.info(`hung server (no answer at all): first query failed after ${first.ms.toFixed(0)} ms`);
    expect(first.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(first.ms).toBeLessThan(8_000);
    expect(databaseKnownDown()).toBe(true);
    const second = await timed(() => pool.client.unsafe('select 1'));
    expect(second.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(second.ms).toBeLessThan(1_000);
    await pool.end().catch(() => {});
  });
});

const bin = findPostgresBin();
const NO_BIN =
  'no PostgreSQL binaries (initdb, pg_ctl) in PG_BIN, PATH, /usr/local/bin or /usr/lib/postgresql/*/bin';

/**
 * A proxy in front of a real PostgreSQL that, once frozen, swallows everything both ways: the
 * connections are established and then go silent, which is what a connect timeout cannot catch.
 */
describe.skipIf(!bin)(`a server that goes silent mid-session${bin ? '' : ` (skipped: ${NO_BIN})`}`, () => {
  let pg: TempPostgres;
  let proxy: net.Server;
  let proxyPort: number;
  let frozen = false;

  beforeAll(async () => {
    pg = await startTempPostgres(bin as string);
    proxy = net.createServer((client) => {
      const upstream = net.connect(pg.port, '127.0.0.1');
      sockets.add(client);
      sockets.add(upstream);
      for (const s of [client, upstream]) s.on('error', () => {});
      client.on('data', (chunk) => frozen || upstream.write(chunk));
      upstream.on('data', (chunk) => frozen || client.write(chunk));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    proxyPort = await listen(proxy);
  });
  afterAll(async () => {
    proxy?.close();
    await pg?.destroy();
  });

  it('statements and transactions fail within the deadline; a fresh pool recovers once it answers', async () => {
    resetHealth(500);
    const url = pg.url.replace(`:${pg.port}/`, `:${proxyPort}/`);
    const pool = guardedPostgres(() => postgres(url, { max: 2, onnotice: () => {}, ...POSTGRES_LIMITS }));
    const { client } = pool;
    expect(await client.unsafe('select 1 as one')).toEqual([{ one: 1 }]);

    frozen = true;
    const statement = await timed(() => client.unsafe('select 1'));
    console.info(`silent server: statement failed after ${statement.ms.toFixed(0)} ms`);
    expect(statement.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(statement.ms).toBeLessThan(8_000);

    await new Promise((r) => setTimeout(r, 600));
    const transaction = await timed(() => client.begin((tx) => tx.unsafe('select 1')));
    console.info(`silent server: transaction failed after ${transaction.ms.toFixed(0)} ms`);
    expect(transaction.error).toBeInstanceOf(DatabaseUnavailableError);
    expect(transaction.ms).toBeLessThan(8_000);

    // The stuck connections were given up with the old pool: new ones answer at once.
    frozen = false;
    await new Promise((r) => setTimeout(r, 600));
    const back = await timed(() => client.unsafe('select 2 as two'));
    expect(back.error).toBeUndefined();
    expect(back.ms).toBeLessThan(3_000);
    expect(databaseKnownDown()).toBe(false);
    await pool.end();
  });
});
