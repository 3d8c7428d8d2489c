import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      // The marker package throws outside React Server Components; tests are server code.
      'server-only': path.join(root, 'node_modules/server-only/empty.js'),
    },
  },
  test: {
    environment: 'node',
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', '.data/**'],
    setupFiles: ['./tests/setup.ts'],
    // next-auth's ESM imports 'next/server' without an extension; let Vite resolve it.
    server: { deps: { inline: ['next-auth', '@auth/core'] } },
    // Integration tests share one database per file; files run in parallel processes.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
