// The server Playwright tests: a production build on embedded defaults, with a fresh PGlite
// directory each run so state from an earlier run (users, lockouts) cannot leak into this one.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const dir = '.data/e2e-pglite';
rmSync(dir, { recursive: true, force: true });
run('npx', ['next', 'build']);
run('node', ['scripts/ensure-env.mjs']);
run('node', ['server.mjs'], { ...process.env, NODE_ENV: 'production', PGLITE_DIR: dir });
