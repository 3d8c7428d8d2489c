// The server Playwright tests: a production build on embedded defaults, with a fresh PGlite
// directory and outbox each run, so state from an earlier run (users, lockouts, mail) cannot leak
// into this one.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const run = (cmd, args, env = process.env) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const dir = '.data/e2e-pglite';
const outbox = '.data/e2e-outbox';
rmSync(dir, { recursive: true, force: true });
// Its lock and admin socket (lib/db/pglite-lock.ts): Playwright ends the last server with SIGKILL.
rmSync(`${dir}.run`, { recursive: true, force: true });
rmSync(outbox, { recursive: true, force: true });
run('npx', ['next', 'build']);
run('node', ['scripts/ensure-env.mjs']);
run('node', ['server.mjs'], {
  ...process.env,
  NODE_ENV: 'production',
  PGLITE_DIR: dir,
  OUTBOX_DIR: outbox,
  // No APP_URL on purpose: links in mail must follow PORT to this server by themselves.
  APP_URL: '',
  // Account recovery waits 72 hours by default; here about 29 seconds, so its spec can wait it out,
  // and still see the link before the wait ends after reading it from the mail on a busy machine.
  RECOVERY_DELAY_HOURS: '0.008',
  // Two-factor required of administrators (the default MFA_REQUIRED_ROLES) after 7 days by
  // default; here about 35 seconds, so e2e/mfa-policy.spec.ts can wait it out. Only accounts a
  // spec makes admin are affected (e2e/admin-cli.spec.ts asks only /api/v1/me, open to them).
  MFA_GRACE_DAYS: '0.0004',
});
