import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { setupIntegration } from '@/tests/integration';
import { closeDb, db, dbKind } from './client';
import {
  admitQuery,
  databaseKnownDown,
  isConnectionFailure,
  recordAnswer,
  recordFailure,
  resetHealth,
} from './health';
import { DatabaseUnavailableError } from './outage';

const withCode = (code: string) => Object.assign(new Error(`failure ${code}`), { code });

afterEach(() => resetHealth());

describe('what trips the breaker', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'CONNECT_TIMEOUT',
    'CONNECTION_CLOSED',
    'CONNECTION_ENDED',
    'CONNECTION_DESTROYED',
    '57P01',
    '57P02',
    '57P03',
    '08006',
    '08001',
    'QUERY_TIMEOUT',
  ])('%s is a connection failure', (code) => {
    expect(isConnectionFailure(withCode(code))).toBe(true);
    // Also wrapped, as drizzle wraps every query failure.
    expect(isConnectionFailure(new Error('Failed query', { cause: withCode(code) }))).toBe(true);
  });

  it.each(['23505', '42601', '57014', '40001', undefined])(
    '%s is an answer from the server, not an outage',
    (code) => {
      expect(isConnectionFailure(code ? withCode(code) : new Error('bug'))).toBe(false);
    },
  );

  it('one probe after the interval; a failed probe opens it again, an answer closes it', () => {
    resetHealth(1_000);
    expect(recordFailure(withCode('ECONNREFUSED'), 10_000)).toBe(true);
    expect(() => admitQuery(10_500)).toThrow(DatabaseUnavailableError);
    admitQuery(11_000); // the probe
    expect(() => admitQuery(11_001)).toThrow(DatabaseUnavailableError);
    recordFailure(withCode('ECONNREFUSED'), 11_002);
    expect(() => admitQuery(11_500)).toThrow(DatabaseUnavailableError);
    admitQuery(12_100);
    recordAnswer();
    expect(databaseKnownDown()).toBe(false);
    admitQuery(12_101);
  });
});

// The embedded database only: under DATABASE_URL (CI's second pass) there is no PGlite to test.
describe.skipIf(Boolean(process.env.DATABASE_URL))('embedded PGlite', () => {
  setupIntegration();
  it('query errors never trip the breaker', async () => {
    expect(await dbKind()).toBe('pglite');
    await expect((await db()).execute(sql`select * from no_such_table`)).rejects.toThrow();
    expect(databaseKnownDown()).toBe(false);
    await closeDb();
  });
});
