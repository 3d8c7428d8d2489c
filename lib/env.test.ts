import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv, signingKeyList } from './env';

const SECRET = 'a-test-secret-that-is-long-enough-000';
/** A well-formed key: 32 bytes, base64. */
const KEY = Buffer.alloc(32, 7).toString('base64');
/** A P-256 private key as API_SIGNING_KEY holds it: PKCS#8 DER, base64url. */
const p256 = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64url');
const SIGNING = p256();

/** The error message parseEnv throws, or null when it accepts the settings. */
function failure(source: Record<string, string | undefined>): string | null {
  try {
    parseEnv({ AUTH_SECRET: SECRET, ...source });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('parseEnv', () => {
  it('applies the embedded defaults when only AUTH_SECRET is set', () => {
    const env = parseEnv({ AUTH_SECRET: SECRET });
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      APP_URL: 'http://localhost:3000',
      APP_NAME: 'Latchkey',
      PGLITE_DIR: '.data/pglite',
      TRUST_PROXY_HOPS: 0,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      RECOVERY_DELAY_HOURS: 72,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.UPSTASH_REDIS_REST_URL).toBeUndefined();
    expect(env.MFA_ENCRYPTION_KEY).toBeUndefined();
  });

  it('takes a fractional RECOVERY_DELAY_HOURS (tests wait seconds, not days)', () => {
    expect(parseEnv({ AUTH_SECRET: SECRET, RECOVERY_DELAY_HOURS: '0.001' }).RECOVERY_DELAY_HOURS).toBe(0.001);
  });

  it('MFA_REQUIRED_ROLES: admin by default, a list of known roles, empty for no policy; a bad role stops start-up', () => {
    expect(parseEnv({ AUTH_SECRET: SECRET }).MFA_REQUIRED_ROLES).toEqual(['admin']);
    expect(
      parseEnv({ AUTH_SECRET: SECRET, MFA_REQUIRED_ROLES: ' Admin , user,admin' }).MFA_REQUIRED_ROLES,
    ).toEqual(['admin', 'user']);
    // Unlike every other setting, empty is a value here: no role requires two-factor.
    expect(parseEnv({ AUTH_SECRET: SECRET, MFA_REQUIRED_ROLES: '' }).MFA_REQUIRED_ROLES).toEqual([]);
    expect(parseEnv({ AUTH_SECRET: SECRET, MFA_REQUIRED_ROLES: ' , ' }).MFA_REQUIRED_ROLES).toEqual([]);
    const message = failure({ MFA_REQUIRED_ROLES: 'admin,superuser' });
    expect(message).toContain('MFA_REQUIRED_ROLES:');
    expect(message).toContain('user, admin');
  });

  it('MFA_GRACE_DAYS: 7 by default, a non-negative number, fractions allowed', () => {
    expect(parseEnv({ AUTH_SECRET: SECRET }).MFA_GRACE_DAYS).toBe(7);
    expect(parseEnv({ AUTH_SECRET: SECRET, MFA_GRACE_DAYS: '0.0004' }).MFA_GRACE_DAYS).toBe(0.0004);
    expect(parseEnv({ AUTH_SECRET: SECRET, MFA_GRACE_DAYS: '0' }).MFA_GRACE_DAYS).toBe(0);
    expect(failure({ MFA_GRACE_DAYS: '-1' })).toContain('MFA_GRACE_DAYS:');
    expect(failure({ MFA_GRACE_DAYS: 'a week' })).toContain('MFA_GRACE_DAYS:');
  });

  it('points APP_URL at the port the server listens on while APP_URL is unset', () => {
    expect(parseEnv({ AUTH_SECRET: SECRET, PORT: '3302' }).APP_URL).toBe('http://localhost:3302');
    expect(parseEnv({ AUTH_SECRET: SECRET, PORT: '3302', APP_URL: '' }).APP_URL).toBe(
      'http://localhost:3302',
    );
    // A configured APP_URL wins: behind a proxy the public URL has nothing to do with PORT.
    expect(parseEnv({ AUTH_SECRET: SECRET, PORT: '3302', APP_URL: 'https://auth.example.com' }).APP_URL).toBe(
      'https://auth.example.com',
    );
    expect(failure({ PORT: 'eighty' })).toContain('PORT');
    expect(failure({ PORT: '70000' })).toContain('PORT');
  });

  it('treats empty strings as unset', () => {
    const env = parseEnv({
      AUTH_SECRET: SECRET,
      APP_URL: '',
      APP_NAME: '',
      DATABASE_URL: '',
      REDIS_URL: '',
      UPSTASH_REDIS_REST_URL: '',
      UPSTASH_REDIS_REST_TOKEN: '',
      MFA_ENCRYPTION_KEY: '',
      TRUST_PROXY_HOPS: '',
    });
    expect(env.APP_URL).toBe('http://localhost:3000');
    expect(env.APP_NAME).toBe('Latchkey');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.MFA_ENCRYPTION_KEY).toBeUndefined();
    expect(env.TRUST_PROXY_HOPS).toBe(0);
  });

  it('accepts a full production configuration', () => {
    const env = parseEnv({
      AUTH_SECRET: SECRET,
      NODE_ENV: 'production',
      APP_URL: 'https://auth.example.com',
      DATABASE_URL: 'postgresql://app:pw@db.example.com:5432/latchkey',
      REDIS_URL: 'rediss://cache.example.com:6380',
      UPSTASH_REDIS_REST_URL: 'https://eu1-x.upstash.io',
      UPSTASH_REDIS_REST_TOKEN: 'token',
      MFA_ENCRYPTION_KEY: `k2:${KEY},k1:${Buffer.alloc(32, 1).toString('base64')}`,
      TRUST_PROXY_HOPS: '2',
    });
    expect(env.TRUST_PROXY_HOPS).toBe(2);
    expect(env.DATABASE_URL).toBe('postgresql://app:pw@db.example.com:5432/latchkey');
  });

  it('ignores variables it does not know', () => {
    expect(() => parseEnv({ AUTH_SECRET: SECRET, SOMETHING_ELSE: 'x' })).not.toThrow();
  });

  it.each([
    ['AUTH_SECRET missing', { AUTH_SECRET: undefined }, 'AUTH_SECRET'],
    ['AUTH_SECRET too short', { AUTH_SECRET: 'short' }, 'AUTH_SECRET'],
    ['DATABASE_URL not PostgreSQL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    ['DATABASE_URL not a URL', { DATABASE_URL: 'localhost:5432' }, 'DATABASE_URL'],
    ['REDIS_URL not Redis', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    ['APP_URL not http(s)', { APP_URL: 'ftp://example.com' }, 'APP_URL'],
    ['NODE_ENV unknown', { NODE_ENV: 'staging' }, 'NODE_ENV'],
    ['TRUST_PROXY_HOPS negative', { TRUST_PROXY_HOPS: '-1' }, 'TRUST_PROXY_HOPS'],
    ['TRUST_PROXY_HOPS fractional', { TRUST_PROXY_HOPS: '1.5' }, 'TRUST_PROXY_HOPS'],
    ['TRUST_PROXY_HOPS not a number', { TRUST_PROXY_HOPS: 'all' }, 'TRUST_PROXY_HOPS'],
    ['TRUST_PROXY_HOPS too large', { TRUST_PROXY_HOPS: '11' }, 'TRUST_PROXY_HOPS'],
    ['SHUTDOWN_TIMEOUT_MS not a number', { SHUTDOWN_TIMEOUT_MS: '10s' }, 'SHUTDOWN_TIMEOUT_MS'],
    ['SHUTDOWN_TIMEOUT_MS negative', { SHUTDOWN_TIMEOUT_MS: '-1' }, 'SHUTDOWN_TIMEOUT_MS'],
    ['RECOVERY_DELAY_HOURS zero', { RECOVERY_DELAY_HOURS: '0' }, 'RECOVERY_DELAY_HOURS'],
    ['RECOVERY_DELAY_HOURS negative', { RECOVERY_DELAY_HOURS: '-72' }, 'RECOVERY_DELAY_HOURS'],
    ['RECOVERY_DELAY_HOURS not a number', { RECOVERY_DELAY_HOURS: '3d' }, 'RECOVERY_DELAY_HOURS'],
    ['only the Upstash URL', { UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' }, 'UPSTASH_REDIS_REST_TOKEN'],
    ['only the Upstash token', { UPSTASH_REDIS_REST_TOKEN: 'token' }, 'UPSTASH_REDIS_REST_URL'],
    [
      'MFA key of 16 bytes',
      { MFA_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') },
      'MFA_ENCRYPTION_KEY',
    ],
    [
      'MFA key of 33 bytes',
      { MFA_ENCRYPTION_KEY: Buffer.alloc(33).toString('base64') },
      'MFA_ENCRYPTION_KEY',
    ],
    ['MFA key in hex', { MFA_ENCRYPTION_KEY: Buffer.alloc(32).toString('hex') }, 'MFA_ENCRYPTION_KEY'],
    [
      'one bad key in a rotation list',
      { MFA_ENCRYPTION_KEY: `new:${KEY},old:c2hvcnQ=` },
      'MFA_ENCRYPTION_KEY',
    ],
    ['signing key without a key id', { API_SIGNING_KEY: SIGNING }, 'API_SIGNING_KEY'],
    ['signing key id with a dot', { API_SIGNING_KEY: `k.1:${SIGNING}` }, 'API_SIGNING_KEY'],
    [
      'signing key id of 33 characters',
      { API_SIGNING_KEY: `${'k'.repeat(33)}:${SIGNING}` },
      'API_SIGNING_KEY',
    ],
    ['signing key ids twice', { API_SIGNING_KEY: `k1:${SIGNING},k1:${p256()}` }, 'API_SIGNING_KEY'],
    ['signing key in base64, not base64url', { API_SIGNING_KEY: `k1:${KEY}` }, 'API_SIGNING_KEY'],
    ['signing key empty', { API_SIGNING_KEY: 'k1:' }, 'API_SIGNING_KEY'],
    ['signing key list ending in a comma', { API_SIGNING_KEY: `k1:${SIGNING},` }, 'API_SIGNING_KEY'],
  ])('fails naming the variable: %s', (_label, source, variable) => {
    const message = failure(source);
    expect(message).not.toBeNull();
    expect(message).toMatch(/^Invalid settings:/);
    expect(message).toContain(`${variable}:`);
  });

  it('reports every bad variable at once', () => {
    const message = failure({ DATABASE_URL: 'mysql://x', TRUST_PROXY_HOPS: '-1' }) ?? '';
    expect(message).toContain('DATABASE_URL:');
    expect(message).toContain('TRUST_PROXY_HOPS:');
  });

  it('does not echo the secret values it refuses', () => {
    const message = failure({ AUTH_SECRET: 'tiny-secret-value' }) ?? '';
    expect(message).not.toContain('tiny-secret-value');
    // A signing list refused for its second entry says nothing of either key.
    const other = p256();
    const signing = failure({ API_SIGNING_KEY: `k2:${SIGNING},k1:${other}=` }) ?? '';
    expect(signing).toContain('API_SIGNING_KEY:');
    expect(signing).not.toContain(SIGNING.slice(0, 16));
    expect(signing).not.toContain(other.slice(-16));
  });

  it('accepts a list of signing keys, the first one signing, and keeps it as written', () => {
    const second = p256();
    const value = `new:${SIGNING}, old_1:${second}`;
    expect(parseEnv({ AUTH_SECRET: SECRET, API_SIGNING_KEY: value }).API_SIGNING_KEY).toBe(value);
    expect(signingKeyList(value)).toEqual([
      { kid: 'new', key: SIGNING },
      { kid: 'old_1', key: second },
    ]);
    expect(parseEnv({ AUTH_SECRET: SECRET, API_SIGNING_KEY: '' }).API_SIGNING_KEY).toBeUndefined();
  });

  // A base64 string whose length is 1 mod 4 makes atob() throw inside the refinement; the
  // operator should still get "Invalid settings: MFA_ENCRYPTION_KEY: …", not a bare DOMException.
  it.each(['A', 'AAAAA', `${KEY.slice(0, 41)}`])(
    'fails naming MFA_ENCRYPTION_KEY for the malformed base64 %s',
    (key) => {
      const message = failure({ MFA_ENCRYPTION_KEY: key });
      expect(message).toMatch(/^Invalid settings:/);
      expect(message).toContain('MFA_ENCRYPTION_KEY:');
    },
  );
});

describe('env() and the schema', () => {
  it('reads every setting the schema declares (each is named one by one for the edge bundle)', () => {
    const source = readFileSync(join(__dirname, 'env.ts'), 'utf8');
    const declared = source.slice(
      source.indexOf('const fields = z.object({'),
      source.indexOf('function isOrigin'),
    );
    const names = [...declared.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) expect(source, name).toContain(`${name}: process.env.${name},`);
  });
});
