// `npm run admin:grant -- EMAIL`, `npm run admin:revoke -- EMAIL` (README: "Roles and the admin
// command line"). The .env files are read first, as the server reads them, so PGLITE_DIR and
// DATABASE_URL name the same database the server uses; only then is lib/ loaded (lib/env.ts
// reads the settings once). No top-level await: tsx runs this file as CommonJS (package.json
// has no "type": "module").
import { loadEnvConfig } from '@next/env';

loadEnvConfig(process.cwd());
import('./command')
  .then(({ runAdminCommand }) => runAdminCommand(process.argv.slice(2)))
  .then((status) => process.exit(status));
