// `npm run db:migrate`: apply drizzle/ to DATABASE_URL (or the embedded PGlite directory).
import nextEnv from '@next/env';

nextEnv.loadEnvConfig(process.cwd());
const { closeDb, db, dbKind } = await import('./client');
await db();
console.info(`latchkey: migrations applied (${await dbKind()})`);
await closeDb();
