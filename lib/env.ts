import { z } from 'zod';
import type { Role } from '@/lib/db/schema';

/**
 * The only reader of process.env. Edge-safe (zod only), so middleware can use it.
 * Validated once, on first use; a bad value fails start-up with the variable's name.
 */
const base64Key = z
  .string()
  .refine((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s) && decodedLength(s) === 32, 'must be 32 bytes, base64');

function decodedLength(b64: string): number {
  try {
    return atob(b64).length;
  } catch {
    return -1; // not valid base64 (say, a truncated key)
  }
}

const ADDR_SPEC = '[^\\s<>@,;"]+@[^\\s<>@,;"]+';
const MAILBOX = new RegExp(`^(?:${ADDR_SPEC}|(?:"[^"\\r\\n]*" ?|[^<>",;\\r\\n]*)<${ADDR_SPEC}>)$`);

// A key id is public (every token's header names one, the JWKS lists them): short, plain, no ':' or ','.
const SIGNING_KID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type SigningKeyEntry = { readonly kid: string; readonly key: string };

/**
 * API_SIGNING_KEY as `kid:key` entries, in order (the first signs, all verify). Throws on a
 * malformed list; the messages name key ids, which are public, never a key.
 */
export function signingKeyList(value: string): SigningKeyEntry[] {
  const entries: SigningKeyEntry[] = [];
  for (const entry of value.split(',')) {
    const part = entry.trim();
    const colon = part.indexOf(':');
    const kid = colon === -1 ? '' : part.slice(0, colon);
    if (!SIGNING_KID.test(kid)) {
      throw new Error('every entry must be kid:key, kid matching [A-Za-z0-9_-]{1,32}');
    }
    if (entries.some((e) => e.kid === kid)) throw new Error(`key id "${kid}" appears twice`);
    const key = part.slice(colon + 1);
    if (!BASE64URL.test(key)) {
      throw new Error(`key "${kid}" must be base64url (a PKCS#8 DER P-256 private key), without padding`);
    }
    entries.push({ kid, key });
  }
  return entries;
}

/**
 * The roles MFA_REQUIRED_ROLES may name: lib/auth/roles.ts's ROLES (a test keeps the two lists
 * equal; that module is server-only, and this one must stay edge-safe).
 */
export const ROLE_NAMES = ['user', 'admin'] as const satisfies readonly Role[];

/** Settings whose empty value means something ("none"), not "unset, take the default". */
const EMPTY_IS_A_VALUE = new Set(['MFA_REQUIRED_ROLES']);

const fields = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  // Unset: http://localhost:PORT, the port server.mjs listens on, so links in mail reach this server.
  APP_URL: z.url({ protocol: /^https?$/ }).optional(),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  APP_NAME: z.string().trim().min(1).max(64).default('Latchkey'),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (run `npm run dev` once to generate it)'),
  MFA_ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine(
      (v) =>
        v === undefined || v.split(',').every((part) => base64Key.safeParse(part.split(':').pop()).success),
      'must be a 32-byte base64 key, or a comma-separated list of id:key pairs',
    ),
  // Signs the access tokens of /api/v1 (ES256). Only the list's shape is checked here, since this
  // module is edge-safe; lib/api/signing-keys.ts parses the keys themselves, at start-up too.
  API_SIGNING_KEY: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        signingKeyList(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    }),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  PGLITE_DIR: z.string().min(1).default('.data/pglite'),
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }).optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .max(320)
    // One mailbox, bare or with a display name; a header value, so a line break (which would
    // let it add headers of its own) or a second address is refused.
    .refine((v) => MAILBOX.test(v), 'must be one address, such as `Latchkey <no-reply@example.com>`')
    .default('Latchkey <no-reply@localhost>'),
  MAIL_TRANSPORT: z.enum(['smtp', 'outbox']).optional(),
  OUTBOX_DIR: z.string().min(1).default('.data/outbox'),
  // security.txt's Contact (RFC 9116): where researchers report a vulnerability in this deployment.
  SECURITY_CONTACT: z
    .string()
    .trim()
    .max(512)
    .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'must be a mailto: address or an https:// URL')
    .optional(),
  // How long a SIGTERM'd server waits for requests in flight (read by server.mjs; validated here
  // so a bad value stops start-up like any other). Keep it under the orchestrator's own grace
  // period (Kubernetes: 30 s), or the process is killed before it closes its connections.
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  // How long an account recovery (every factor lost) waits before it can complete: the owner's
  // window to see the notice and cancel it. Fractional, so tests can wait seconds (0.001 h = 3.6 s).
  RECOVERY_DELAY_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(72),
  // Roles whose accounts must turn two-factor on (lib/auth/mfa-policy.ts), comma-separated; an
  // empty value turns the policy off. Names are roles as held: `user` is everyone (an
  // administrator is a user too), so `user` requires it of every account.
  MFA_REQUIRED_ROLES: z
    .string()
    .default('admin')
    .transform((v) => [
      ...new Set(
        v
          .split(',')
          .map((r) => r.trim().toLowerCase())
          .filter(Boolean),
      ),
    ])
    .refine(
      (list): list is Role[] => list.every((r) => (ROLE_NAMES as readonly string[]).includes(r)),
      `must be a comma-separated list of roles (${ROLE_NAMES.join(', ')}), or empty for no policy`,
    ),
  // How long such an account may go on without two-factor, from when the policy first applied to
  // it. Fractional, so tests can wait seconds (0.0004 days is about 35 s); 0 enforces at once.
  MFA_GRACE_DAYS: z.coerce.number().min(0).max(365).default(7),
  // Browser clients on other origins allowed to call /api/v1 (CORS); none unless listed. Exact
  // origins only: a wildcard would let any page a signed-in user visits use their tokens' answers.
  API_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every(isOrigin),
      'must be a comma-separated list of origins, such as https://app.example.com (no path, no wildcard)',
    ),
});

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

const schema = fields
  .transform(({ APP_URL, ...rest }) => ({ ...rest, APP_URL: APP_URL ?? `http://localhost:${rest.PORT}` }))
  .superRefine((env, ctx) => {
    if (env.MAIL_TRANSPORT === 'smtp' && !env.SMTP_URL) {
      ctx.addIssue({ code: 'custom', path: ['MAIL_TRANSPORT'], message: 'is smtp, but SMTP_URL is not set' });
    }
    if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.UPSTASH_REDIS_REST_URL ? 'UPSTASH_REDIS_REST_TOKEN' : 'UPSTASH_REDIS_REST_URL'],
        message: 'UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are set together or not at all',
      });
    }
  });

export type Env = z.output<typeof schema>;

/** Empty strings count as unset, as in most .env tooling. */
function readRaw(source: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(fields.shape)) {
    const value = source[key];
    if (value !== undefined && (value !== '' || EMPTY_IS_A_VALUE.has(key))) out[key] = value;
  }
  return out;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(readRaw(source));
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(settings)'}: ${i.message}`);
    throw new Error(`Invalid settings:\n${lines.join('\n')}`);
  }
  return result.data;
}

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    // Named one by one (no spread of process.env), so the edge bundle reads exactly these.
    const parsed = parseEnv({
      NODE_ENV: process.env.NODE_ENV,
      APP_URL: process.env.APP_URL,
      APP_NAME: process.env.APP_NAME,
      AUTH_SECRET: process.env.AUTH_SECRET,
      MFA_ENCRYPTION_KEY: process.env.MFA_ENCRYPTION_KEY,
      API_SIGNING_KEY: process.env.API_SIGNING_KEY,
      DATABASE_URL: process.env.DATABASE_URL,
      PGLITE_DIR: process.env.PGLITE_DIR,
      UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL,
      UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN,
      REDIS_URL: process.env.REDIS_URL,
      TRUST_PROXY_HOPS: process.env.TRUST_PROXY_HOPS,
      SMTP_URL: process.env.SMTP_URL,
      MAIL_FROM: process.env.MAIL_FROM,
      MAIL_TRANSPORT: process.env.MAIL_TRANSPORT,
      OUTBOX_DIR: process.env.OUTBOX_DIR,
      PORT: process.env.PORT,
      SECURITY_CONTACT: process.env.SECURITY_CONTACT,
      SHUTDOWN_TIMEOUT_MS: process.env.SHUTDOWN_TIMEOUT_MS,
      RECOVERY_DELAY_HOURS: process.env.RECOVERY_DELAY_HOURS,
      API_CORS_ORIGINS: process.env.API_CORS_ORIGINS,
      MFA_REQUIRED_ROLES: process.env.MFA_REQUIRED_ROLES,
      MFA_GRACE_DAYS: process.env.MFA_GRACE_DAYS,
    });
    // The mail transport is decided at start-up too (instrumentation calls env()), so a
    // production server that would keep reset links in a local outbox does not start at all.
    mailTransportKind(parsed);
    cached = parsed;
  }
  return cached;
}

export type MailTransportKind = 'smtp' | 'outbox';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Which transport sends mail: SMTP when SMTP_URL is set (unless MAIL_TRANSPORT=outbox), else the
 * outbox. The outbox keeps live reset links in files on this machine, so a production server
 * whose public URL is not this machine refuses to fall back to it: silently "sending" mail
 * nobody receives, to a folder anyone with shell access can read, is worse than not starting.
 * Setting MAIL_TRANSPORT=outbox says the fallback is meant (a staging box, a demo).
 *
 * Kept out of parseEnv so the settings of every other part parse on their own; env() calls it.
 */
export function mailTransportKind(
  settings: Pick<Env, 'NODE_ENV' | 'APP_URL' | 'SMTP_URL' | 'MAIL_TRANSPORT'>,
): MailTransportKind {
  if (settings.MAIL_TRANSPORT === 'outbox') return 'outbox';
  if (settings.SMTP_URL) return 'smtp';
  if (settings.MAIL_TRANSPORT === 'smtp') {
    throw new Error('Invalid settings:\n  MAIL_TRANSPORT: is smtp, but SMTP_URL is not set');
  }
  if (settings.NODE_ENV === 'production' && !LOCAL_HOSTS.has(new URL(settings.APP_URL).hostname)) {
    throw new Error(
      [
        'Invalid settings:',
        `  SMTP_URL, MAIL_TRANSPORT: SMTP_URL is not set, and a production server for ${new URL(settings.APP_URL).origin}`,
        '    will not keep its mail (live reset links) in a local outbox. Set SMTP_URL (smtp:// or smtps://),',
        '    or MAIL_TRANSPORT=outbox to use the outbox on purpose.',
      ].join('\n'),
    );
  }
  return 'outbox';
}

/** Cookies get `Secure` and the `__Host-` prefix exactly when the app is served over https. */
export function isHttps(): boolean {
  return env().APP_URL.startsWith('https:');
}
