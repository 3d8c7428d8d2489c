/**
 * Runs once when the server starts: settings are validated (a bad one stops start-up with its
 * name) and the database is opened and migrated before the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('./lib/env');
  try {
    env();
  } catch (error) {
    // A bad setting stops the server rather than leaving it up answering 500s.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const { db, dbKind } = await import('./lib/db/client');
  await db();
  console.info(`latchkey: database ready (${await dbKind()})`);
}
