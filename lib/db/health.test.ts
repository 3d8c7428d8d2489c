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

describe('an outage error from another copy of the module', () => {
  // Next bundles lib/db/outage.ts more than once: the pool (opened by instrumentation.ts) throws
  // one bundle's class, the action wrapper holds another's. Same code and name: the same outage.
  it('is recognised by its code and name, also as a cause', async () => {
    const { isDatabaseUnavailable } = await import('./outage');
    class DatabaseUnavailableError extends Error {
      readonly code = 'DATABASE_UNAVAILABLE';
      constructor() {
        super('The database is unavailable (elsewhere)');
        this.name = 'DatabaseUnavailableError';
      }
    }
    expect(isDatabaseUnavailable(new DatabaseUnavailableError())).toBe(true);
    expect(isDatabaseUnavailable(new Error('Failed query', { cause: new DatabaseUnavailableError() }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: 'DATABASE_UNAVAILABLE' }))).toBe(
      false,
    );
  });
});
