/**
 * Runs once when the server starts: the log filter goes in first, settings are validated (a bad
 * one stops start-up with its name), the database is opened and migrated before the first
 * request, and what server.mjs closes after draining on SIGTERM is registered.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Before anything can fail: Next prints a thrown error whole, and a database error carries the
  // query's parameters (lib/log.ts).
  const { installLogFilter } = await import('./lib/log');
  installLogFilter();
  const { env } = await import('./lib/env');
  try {
    // The signing keys are parsed here rather than in lib/env.ts, which is edge-safe and cannot
    // load them (node:crypto); unset, the server starts and /api/v1 says what is missing.
    if (env().API_SIGNING_KEY) (await import('./lib/api/signing-keys')).signingKeys();
  } catch (error) {
    // A bad setting stops the server rather than leaving it up answering 500s.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const { db, dbKind, closeDb } = await import('./lib/db/client');
  const { closeStore } = await import('./lib/kv');
  const { onShutdown } = await import('./lib/http/graceful.mjs');
  onShutdown('database', closeDb);
  onShutdown('store', closeStore);
  try {
    await db();
  } catch (error) {
    // Another process holds the embedded database (lib/db/pglite-lock.ts): a second server would
    // only answer 500s, so it stops, saying which process to look at.
    if (!(error instanceof Error && error.name === 'PgliteLockedError')) throw error;
    console.error(`latchkey: ${error.message}; not starting a second server on it`);
    process.exit(1);
  }
  console.info(`latchkey: database ready (${await dbKind()})`);
  await serveAdminSocket(env().PGLITE_DIR, closeDb, onShutdown);
}

/**
 * The embedded database's files are this process's alone (lib/db/pglite-lock.ts), so
 * `npm run admin:grant` hands its change to this server over a Unix socket next to them
 * (lib/admin). It is closed before the database: shutdown hooks run side by side, so one hook
 * does both, in order. A socket that cannot be opened leaves the server serving: the command
 * line then says which process holds the directory.
 */
async function serveAdminSocket(
  dir: string,
  closeDb: () => Promise<void>,
  onShutdown: (name: string, hook: () => Promise<void>) => void,
) {
  const { dbKind } = await import('./lib/db/client');
  if ((await dbKind()) !== 'pglite' || dir.includes('://')) return;
  try {
    const admin = await (await import('./lib/admin/socket')).serveAdminSocket(dir);
    onShutdown('database', async () => {
      await admin.close();
      await closeDb();
    });
  } catch (error) {
    console.error(`latchkey: no admin socket: ${error instanceof Error ? error.message : error}`);
  }
}
