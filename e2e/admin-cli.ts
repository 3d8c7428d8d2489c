import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Roles for end-to-end tests, given the way an operator gives them: `npm run admin:grant -- EMAIL`
 * while the e2e server runs (scripts/e2e-server.mjs holds the embedded database in
 * .data/e2e-pglite, so the command goes through its admin socket). DATABASE_URL is dropped, so
 * a developer's setting cannot point it at another database. Against a deployed app (BASE_URL)
 * the settings in the environment are used as they are: that app's DATABASE_URL.
 */
async function adminCommand(op: 'grant' | 'revoke', email: string): Promise<string> {
  const env = process.env.BASE_URL
    ? process.env
    : { ...process.env, PGLITE_DIR: '.data/e2e-pglite', DATABASE_URL: '' };
  try {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', `admin:${op}`, '--', email], {
      env,
      timeout: 90_000,
    });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '', code } = error as { stdout?: string; stderr?: string; code?: unknown };
    throw new Error(`npm run admin:${op} -- ${email} failed (${code}):\n${stdout}${stderr}`);
  }
}

/** Make the account at `email` an administrator; throws if the command fails. */
export async function grantAdmin(email: string): Promise<void> {
  await adminCommand('grant', email);
}

/** Take the administrator role from the account at `email`; throws if the command fails. */
export async function revokeAdmin(email: string): Promise<void> {
  await adminCommand('revoke', email);
}

export { adminCommand };
