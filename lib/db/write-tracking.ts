import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Whether a piece of work may have changed the database, so an error message can say "Nothing
 * was changed" only when that is true. Set by the database client (lib/db/guarded-postgres.ts)
 * when a write statement was sent (whether or not its answer came back: a lost answer may still
 * mean a committed write) or a transaction reached its COMMIT.
 */
export type WriteTracker = { mayHaveWritten: boolean };

const storage = new AsyncLocalStorage<WriteTracker>();

export function runTrackingWrites<T>(tracker: WriteTracker, work: () => Promise<T>): Promise<T> {
  return storage.run(tracker, work);
}

export function noteMaybeWritten(): void {
  const tracker = storage.getStore();
  if (tracker) tracker.mayHaveWritten = true;
}
