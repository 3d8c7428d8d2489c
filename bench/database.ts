// The bench's own database on the PostgreSQL server that DATABASE_URL names: created empty
// (latchkey_bench_<random>), handed to the bench servers, dropped at the end, so a run never
// writes into the database the URL points at.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export type BenchDatabase = {
  name: string;
  /** DATABASE_URL for the bench servers: the given URL with the bench database's name. */
  url: string;
  /** DROP DATABASE … WITH (FORCE): ends connections left open. Safe to call twice. */
  drop: () => Promise<void>;
};

export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `latchkey_bench_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = () => postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const sql = admin();
  try {
    await sql.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  let dropped = false;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      const sql = admin();
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

/** The URL without its password, for printing. */
export function redacted(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
