import 'server-only';
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import { type Db, db } from '@/lib/db/client';
import { emailTokens, users } from '@/lib/db/schema';

/**
 * One-time tokens for links sent by email. The raw token exists only in the link; the database
 * holds its SHA-256, so a dump or a read-only SQL injection hands out no live link.
 */
export type EmailTokenPurpose =
  | 'verify_email'
  | 'reset_password'
  | 'change_email'
  /** "This wasn't me" in the two-factor-on notice: turns that factor off again. */
  | 'undo_mfa_enable'
  /** "This wasn't me" in the address-change notice to the old address; newEmail holds the old one. */
  | 'undo_email_change';

/** Links that act for the address they went to; "This wasn't me" links are meant to outlive them. */
const ACTING_PURPOSES: readonly EmailTokenPurpose[] = ['verify_email', 'reset_password', 'change_email'];

/**
 * How long a link works. A reset or address-change link takes over the account, so it lives
 * 1 hour (OWASP Forgot Password Cheat Sheet; the contract promises "within 1 hour"); a
 * verification link only proves the address, so a day allows for slow mail and time zones. An
 * undo link can only undo, and must still work when the owner reads the notice the next morning.
 */
export const TOKEN_LIFETIME_MS: Readonly<Record<EmailTokenPurpose, number>> = Object.freeze({
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
  change_email: 60 * 60 * 1000,
  undo_mfa_enable: 24 * 60 * 60 * 1000,
  undo_email_change: 24 * 60 * 60 * 1000,
});

const CARRIES_ADDRESS: readonly EmailTokenPurpose[] = ['change_email', 'undo_email_change'];

export type RedeemedEmailToken = { userId: string; newEmail: string | null };

// randomToken(): 32 bytes, base64url without padding. Anything else cannot be one of ours, so it
// is refused before hashing: a 1 MB body or odd Unicode costs nothing and never reaches SQL.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

function isPurpose(purpose: unknown): purpose is EmailTokenPurpose {
  return typeof purpose === 'string' && Object.hasOwn(TOKEN_LIFETIME_MS, purpose);
}

/** The stored hash for a well-formed token, or null for anything that cannot be a token. */
function hashIfWellFormed(token: unknown): string | null {
  return typeof token === 'string' && TOKEN_SHAPE.test(token) ? hashToken(token) : null;
}

/**
 * A new link token for one purpose; returns the raw token (256 bits, CSPRNG) for the email.
 * In the same transaction every earlier unused token of this user and purpose is marked used,
 * so only the newest link works: a user who asks again because the first mail was slow, or was
 * read by someone else, has the older link disabled. The user row is locked first, so two
 * concurrent requests cannot both leave their tokens live.
 */
export async function issueEmailToken(input: {
  userId: string;
  purpose: EmailTokenPurpose;
  newEmail?: string;
}): Promise<string> {
  const { userId, purpose, newEmail } = input;
  // Misuse by our own code is a bug, so it throws instead of issuing a meaningless link.
  if (!isPurpose(purpose)) throw new TypeError(`unknown email token purpose: ${String(purpose)}`);
  if (CARRIES_ADDRESS.includes(purpose) !== (typeof newEmail === 'string' && newEmail.length > 0)) {
    throw new TypeError(`newEmail is required for ${CARRIES_ADDRESS.join(' and ')} and only for them`);
  }
  const token = randomToken();
  const now = new Date();
  const database = await db();
  await database.transaction(async (tx) => {
    // NO KEY UPDATE serialises issuers for this user without blocking inserts elsewhere that
    // reference the user (those take KEY SHARE).
    const [user] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.id, userId))
      .for('no key update');
    if (!user) throw new Error('cannot issue an email token for an unknown user');
    await tx
      .update(emailTokens)
      .set({ usedAt: now })
      .where(
        and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)),
      );
    await tx.insert(emailTokens).values({
      userId,
      purpose,
      tokenHash: hashToken(token),
      newEmail: newEmail ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]),
    });
  });
  return token;
}

/**
 * Spend a link token: one conditional UPDATE (unused, unexpired, this purpose), so of any number
 * of concurrent uses exactly one gets the user; there is no read-then-write window.
 * Returns null for anything else (unknown, wrong purpose, expired, used, superseded, garbage).
 * The clock is the application's, as for sessions, so expiry is judged the same way everywhere.
 */
export async function redeemEmailToken(
  token: unknown,
  purpose: EmailTokenPurpose,
  /** A transaction to spend it in, so the token and what it pays for commit together. */
  executor?: Db,
): Promise<RedeemedEmailToken | null> {
  const tokenHash = hashIfWellFormed(token);
  if (!tokenHash || !isPurpose(purpose)) return null;
  const now = new Date();
  const database = executor ?? (await db());
  const [row] = await database
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.tokenHash, tokenHash),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, now),
      ),
    )
    .returning({ userId: emailTokens.userId, newEmail: emailTokens.newEmail });
  return row ?? null;
}

/**
 * The same checks without spending the token, to decide whether to show a form (say, the new
 * password form). Never act on a peek: the action must redeem, which may still fail.
 */
export async function peekEmailToken(
  token: unknown,
  purpose: EmailTokenPurpose,
): Promise<RedeemedEmailToken | null> {
  const tokenHash = hashIfWellFormed(token);
  if (!tokenHash || !isPurpose(purpose)) return null;
  const database = await db();
  const [row] = await database
    .select({ userId: emailTokens.userId, newEmail: emailTokens.newEmail })
    .from(emailTokens)
    .where(
      and(
        eq(emailTokens.tokenHash, tokenHash),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, new Date()),
      ),
    )
    .limit(1);
  return row ?? null;
}

/**
 * Disable every unused link of a user (of the given purposes, or every link that acts on the
 * account), in the caller's transaction when given. Used when what a link was sent for no longer
 * holds: the address it went to is no longer the account's, or the password it would replace was
 * just changed. "This wasn't me" links are left alone unless named: undoing such a change is
 * exactly what they are for.
 */
export async function revokeEmailTokens(
  userId: string,
  purposes: readonly EmailTokenPurpose[] = ACTING_PURPOSES,
  executor?: Db,
): Promise<number> {
  const database = executor ?? (await db());
  const revoked = await database
    .update(emailTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(emailTokens.userId, userId),
        inArray(emailTokens.purpose, [...purposes]),
        isNull(emailTokens.usedAt),
      ),
    )
    .returning({ id: emailTokens.id });
  return revoked.length;
}
