import { existsSync } from 'node:fs';
import { chromium, defineConfig, devices } from '@playwright/test';

/**
 * End-to-end against a production build (`next build` + server.mjs) on embedded defaults, with a
 * fresh PGlite directory per run. BASE_URL points the same tests at a deployed app instead.
 */

/**
 * The browser, in the contract's order: the one Playwright installed, else
 * PLAYWRIGHT_CHROMIUM_EXECUTABLE, else /usr/bin/chromium or /usr/bin/chromium-browser.
 * Returns undefined to use Playwright's own; throws with instructions when there is none.
 */
function chromiumExecutable(): string | undefined {
  try {
    if (existsSync(chromium.executablePath())) return undefined;
  } catch {
    // No browser of Playwright's own here; look further.
  }
  const candidates = [
    process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ];
  const found = candidates.find((c): c is string => Boolean(c && existsSync(c)));
  if (found) return found;
  throw new Error(
    [
      'No Chromium found for the end-to-end tests. Any one of these works:',
      '  npx playwright install chromium          (Playwright downloads its own browser)',
      '  sudo apt-get install -y chromium         (Debian/Ubuntu: /usr/bin/chromium)',
      '  PLAYWRIGHT_CHROMIUM_EXECUTABLE=/path/to/chromium npm run test:e2e',
    ].join('\n'),
  );
}

const PORT = Number(process.env.E2E_PORT ?? 3210);
const external = process.env.BASE_URL;
const baseURL = external ?? `http://localhost:${PORT}`;
const executablePath = chromiumExecutable();

export default defineConfig({
  testDir: './e2e',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          ...(executablePath ? { executablePath } : {}),
          // A closed network: keep Chromium from calling home at start.
          args: [
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  ],
  webServer: external
    ? undefined
    : {
        command: 'node scripts/e2e-server.mjs',
        url: `${baseURL}/login`,
        timeout: 240_000,
        reuseExistingServer: false,
        stdout: 'pipe',
        stderr: 'pipe',
        env: { PORT: String(PORT), NEXT_TELEMETRY_DISABLED: '1' },
      },
});
