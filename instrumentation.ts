/**
 * Runs once when the server starts: settings are validated (a bad one stops start-up with its
 * name) and the database is opened and migrated before the first request.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('./lib/env');
  env();
  const { db, dbKind } = await import('./lib/db/client');
  await db();
  console.info(`latchkey: database ready (${await dbKind()})`);
}
