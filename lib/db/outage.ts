/**
 * The typed error for "the database cannot be reached just now". No `server-only`: the error
 * pages (client components) recognise it by its digest, the one property Next passes to them
 * unchanged from the server.
 */
export const DATABASE_UNAVAILABLE_DIGEST = 'LATCHKEY_DATABASE_UNAVAILABLE';

export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  // Next keeps a digest the error already has instead of hashing the message.
  readonly digest = DATABASE_UNAVAILABLE_DIGEST;

  /**
   * `reason` is a short description of the underlying failure (name and code): the driver's own
   * error is not attached, since postgres.js hangs the query's text and parameters on it.
   */
  constructor(reason: string) {
    super(`The database is unavailable (${reason})`);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * The DatabaseUnavailableError in an error or its causes (drizzle wraps every query failure).
 * Recognised by its code and name, not only `instanceof`: Next bundles this module more than
 * once (instrumentation.ts opens the database, so the pool throws that bundle's class, while
 * actions and pages hold their own copy), and a class check alone missed those errors, which
 * then read "Something went wrong" instead of "temporarily unavailable".
 */
export function findDatabaseUnavailable(error: unknown): DatabaseUnavailableError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof DatabaseUnavailableError) return current;
    if (
      current.name === 'DatabaseUnavailableError' &&
      (current as { code?: unknown }).code === 'DATABASE_UNAVAILABLE'
    )
      return current as DatabaseUnavailableError;
    current = current.cause;
  }
  return undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return findDatabaseUnavailable(error) !== undefined;
}
