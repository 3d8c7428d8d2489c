import { expect, test } from '@playwright/test';
import { adminCommand, grantAdmin, revokeAdmin } from './admin-cli';
import { apiRegister, apiSignIn, bearer } from './fixtures';

/**
 * The roles command line against the running server: the e2e server holds its embedded
 * database, so the command cannot open the files and hands the change to the server.
 */
test.describe('the admin command line', () => {
  test.skip(Boolean(process.env.BASE_URL), 'runs the command next to a local server');
  // Each command starts npm, tsx and Node: several seconds on a busy machine.
  test.setTimeout(180_000);

  test('grants and revokes the admin role while the server runs, and /api/v1/me shows it', async ({
    request,
  }) => {
    const account = await apiRegister(request, 'cli');
    const tokens = await apiSignIn(request, account.email, account.password);
    const roles = async () =>
      (await (await request.get('/api/v1/me', { headers: bearer(tokens) })).json()).roles;
    expect(await roles()).toEqual(['user']);

    await grantAdmin(account.email);
    expect(await roles()).toEqual(['user', 'admin']);
    // The address as a person might type it: trimmed and lower-cased as the app does.
    expect(await adminCommand('grant', ` ${account.email.toUpperCase()} `)).toContain(
      `latchkey: ${account.email} is already an admin`,
    );

    await revokeAdmin(account.email);
    expect(await roles()).toEqual(['user']);

    // Through the server, not around it: the server holds the files.
    expect(await adminCommand('grant', account.email)).toContain(
      `latchkey: admin role granted to ${account.email} (through the running server)`,
    );
    expect(await roles()).toEqual(['user', 'admin']);
  });

  test('an unknown address fails with exit status 1 and says so', async () => {
    await expect(adminCommand('grant', 'nobody-at-all@example.com')).rejects.toThrow(
      /failed \(1\):[\s\S]*No account with the address nobody-at-all@example\.com/,
    );
  });
});
