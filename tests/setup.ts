import { generateKeyPairSync } from 'node:crypto';

// Test settings: throwaway secrets (session, TOTP encryption, API token signing) and, unless
// DATABASE_URL is set, an in-memory PGlite per test file. REDIS_URL / DATABASE_URL from the
// environment switch the same tests to real services.
process.env.AUTH_SECRET ??= 'test-secret-test-secret-test-secret-0123456789';
process.env.PGLITE_DIR ??= 'memory://';
process.env.MFA_ENCRYPTION_KEY ??= Buffer.alloc(32, 42).toString('base64');
process.env.API_SIGNING_KEY ??= `k1:${generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'der', type: 'pkcs8' })
  .toString('base64url')}`;
