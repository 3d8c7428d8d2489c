// `npm run db:migrate`: apply drizzle/ to DATABASE_URL (or the embedded PGlite directory).
// No top-level await and a named import: tsx runs this file as CommonJS (package.json has no
// "type": "module"), where neither works.
import { loadEnvConfig } from '@next/env';

loadEnvConfig(process.cwd());
import('./client').then(async ({ closeDb, db, dbKind }) => {
  await db();
  console.info(`latchkey: migrations applied (${await dbKind()})`);
  await closeDb();
});
