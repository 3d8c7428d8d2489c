import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/** The kinds of email link (lib/auth/email-tokens.ts says what each does); text, so no migration adds one. */
type EmailTokenPurposeColumn =
  | 'verify_email'
  | 'reset_password'
  | 'change_email'
  | 'undo_mfa_enable'
  | 'undo_email_change';

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  // Stored trimmed and lower-cased (see lib/validation/auth.ts); unique on that form.
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  // 'user' (everyone) or 'admin' (lib/auth/roles.ts); text, so no migration adds a role.
  role: text('role').$type<Role>().notNull().default('user'),
  // When a policy that requires two-factor (MFA_REQUIRED_ROLES) started to apply to this account:
  // set when a role is granted, or by the first check that finds the policy applying; the grace
  // period (MFA_GRACE_DAYS) counts from here. Null when no policy has applied yet.
  mfaPolicySince: timestamp('mfa_policy_since', { withTimezone: true }),
  // Locked by an administrator: sign-in is refused after the password check, sessions ended.
  lockedAt: timestamp('locked_at', { withTimezone: true }),
  // The administrator who locked it (no foreign key: the audit trail outlives admin accounts).
  lockedBy: uuid('locked_by'),
});

export type Role = 'user' | 'admin';

/**
 * Server-side sessions. The cookie's JWT carries a 256-bit random token; only its SHA-256 is
 * stored here (`id`), so a database dump does not hand out live sessions.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    remember: boolean('remember').notNull().default(false),
    // True when this session passed the second factor (or was created while it was on).
    mfaVerified: boolean('mfa_verified').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    // 'web' (a browser's cookie) or 'api' (a program's bearer tokens, lib/api/): each check
    // accepts only its own kind, so neither credential can stand in for the other.
    client: text('client').$type<SessionClient>().notNull().default('web'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export type SessionClient = 'web' | 'api';

/**
 * Refresh tokens of API sessions (lib/api/refresh-tokens.ts): 256 random bits, only the SHA-256
 * stored. Each is used once (used_at, one conditional UPDATE); a used one stays, so a second use
 * is recognised as a stolen copy and ends its session. They die with their session.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('refresh_tokens_session_idx').on(t.sessionId)],
);

/**
 * One authenticator per user. Pending (enabled_at null) until a code verifies; starting again
 * replaces the pending secret. The secret is AES-256-GCM encrypted (lib/mfa/crypto.ts).
 * last_used_step makes each code single use: only a later time step is accepted, by one
 * conditional UPDATE.
 */
export const totpFactors = pgTable('totp_factors', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretEncrypted: text('secret_encrypted').notNull(),
  enabledAt: timestamp('enabled_at', { withTimezone: true }),
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One-time backup codes, stored only as argon2id hashes (lib/mfa/backup-codes.ts). */
export const backupCodes = pgTable(
  'backup_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // argon2id over the whole normalized code (lib/mfa/backup-codes.ts).
    codeHash: text('code_hash').notNull(),
    // The code's first 2 characters (10 of its 50 bits), distinct within a set, so a typed code
    // is checked against one hash instead of every unused one. Null for codes issued before it
    // existed, which are checked the old way until regenerated (lib/mfa/backup-code-factor.ts).
    lookup: text('lookup'),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // (user_id, lookup) also serves queries on user_id alone, so it replaces backup_codes_user_idx.
  (t) => [index('backup_codes_user_lookup_idx').on(t.userId, t.lookup)],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // Null for events about no known account (say, a failed sign-in for an unknown email).
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    detail: jsonb('detail')
      .$type<Record<string, string | number | boolean>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_events_user_created_idx').on(t.userId, t.createdAt)],
);

/**
 * One-time links sent by email (verify address, reset password, change address). Only the
 * SHA-256 of the 256-bit token is stored, so a dump holds no live link; used_at makes each link
 * single use by one conditional UPDATE, and issuing a new link marks the older ones used
 * (lib/auth/email-tokens.ts).
 */
export const emailTokens = pgTable(
  'email_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<EmailTokenPurposeColumn>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    // The address being confirmed, for change_email only; applied when the link is redeemed.
    newEmail: text('new_email'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('email_tokens_user_purpose_idx').on(t.userId, t.purpose)],
);

/**
 * Sign-in challenges between the password step and the second factor (lib/mfa/challenge.ts).
 * In the database, not the key-value store, so a store outage cannot stop anyone signing in:
 * only the SHA-256 of the cookie's token is kept; `attempts` is the per-challenge cap, counted
 * by one UPDATE before a code is checked; redeeming is one DELETE … RETURNING (single use).
 */
export const signInChallenges = pgTable(
  'sign_in_challenges',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    remember: boolean('remember').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sign_in_challenges_expires_idx').on(t.expiresAt)],
);

/** How an account recovery ended (lib/auth/account-recovery.ts); text, so no migration adds one. */
export type RecoveryEnd =
  | 'completed'
  | 'cancelled'
  | 'signed_in'
  /** A step-up or a password reset passed a code: the owner has a factor after all. */
  | 'factor_used'
  | 'superseded'
  | 'address_changed';

/**
 * Account recoveries for people who lost every second factor (lib/auth/account-recovery.ts). The
 * mail carries two random 256-bit tokens, one to complete and one to cancel; only their SHA-256
 * are stored. `usable_at` is when completing becomes possible (the waiting period); `ended_at`
 * makes both links single use, set by one conditional UPDATE.
 */
export const accountRecoveries = pgTable(
  'account_recoveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    completeTokenHash: text('complete_token_hash').notNull().unique(),
    cancelTokenHash: text('cancel_token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    usableAt: timestamp('usable_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: text('end_reason').$type<RecoveryEnd>(),
  },
  (t) => [index('account_recoveries_user_idx').on(t.userId)],
);

/**
 * Browsers trusted to skip the second step for one account (lib/auth/trusted-devices.ts). The
 * cookie carries a random 256-bit token; only its SHA-256 is stored (`id`). `expires_at` is fixed
 * when the device is trusted (30 days) and never moves; `last_used_at` is for the owner's list.
 */
export const trustedDevices = pgTable(
  'trusted_devices',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    ipAddress: text('ip_address'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('trusted_devices_user_idx').on(t.userId)],
);

/**
 * Networks an account has signed in from (lib/auth/new-device.ts): a keyed hash of the IP's
 * network (IPv4 /24, IPv6 /64), never the address itself. A sign-in from a browser without the
 * account's device cookie and from a network not listed here sends a "new sign-in" mail.
 */
export const knownNetworks = pgTable(
  'known_networks',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    network: text('network').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.network] })],
);

/**
 * Attempt counts and locks taken while the configured Redis is down (lib/rate-limit/fallback.ts):
 * shared by every instance, so an outage never multiplies the limits by the instance count, and
 * written back into Redis when it returns (the higher count wins). Keys are the limiter's own
 * (already keyed hashes, never an address).
 */
export const limiterFallback = pgTable(
  'limiter_fallback',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('limiter_fallback_expires_idx').on(t.expiresAt)],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
