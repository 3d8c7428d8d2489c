import 'server-only';
import { and, desc, eq, gt, isNotNull, isNull, lt, ne, notInArray } from 'drizzle-orm';
import { type AuditDetail, recordEvent } from '@/lib/audit';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import { type Db, db } from '@/lib/db/client';
import { sessions, totpFactors, users } from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';
import { beginRead, cachedSession, forgetSession, forgetUser, remember } from './session-cache';

export const REMEMBER_SESSION_MS = 30 * 24 * 60 * 60 * 1000;
/** Without "Remember me" the cookie ends with the browser, and the record after 24 h at most. */
export const BROWSER_SESSION_MS = 24 * 60 * 60 * 1000;
/**
 * Live sessions an account may have at once: the oldest ends when a new one starts. A loop of
 * sign-ins with a known password otherwise grows the table (and the sessions list) without bound.
 */
export const MAX_LIVE_SESSIONS = 20;
/** last_seen_at is refreshed at most this often, so reading a session rarely writes. */
const LAST_SEEN_RESOLUTION_MS = 60 * 1000;

export type ActiveSession = {
  /** SHA-256 of the cookie's token: safe to show and to use as a handle. */
  id: string;
  userId: string;
  email: string;
  remember: boolean;
  ipAddress: string | null;
  createdAt: Date;
  expiresAt: Date;
  mfaEnabled: boolean;
  emailVerified: boolean;
};

/**
 * A new session with a new random id, every sign-in; beyond MAX_LIVE_SESSIONS the oldest live
 * ones end, and the sign-in's audit event (`signIn`) is written, in the same transaction: there
 * is never a "signed in" without its session. Returns the secret token for the cookie.
 */
export async function createSession(
  userId: string,
  remember: boolean,
  ctx: RequestContext,
  mfaVerified = false,
  signIn?: AuditDetail,
  /** The secret token, when the caller drew it first (to mint the cookie meanwhile). */
  token = randomToken(),
): Promise<{ token: string; id: string }> {
  const id = hashToken(token);
  const now = Date.now();
  const database = await db();
  await database.transaction(async (tx) => {
    // Serialises this user's sign-ins, so two at once cannot both count 20 and leave 21.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('no key update');
    await tx.insert(sessions).values({
      id,
      userId,
      remember,
      mfaVerified,
      ipAddress: ctx.ip,
      userAgent: ctx.userAgent,
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: new Date(now + (remember ? REMEMBER_SESSION_MS : BROWSER_SESSION_MS)),
    });
    // The new session, and the newest of the others up to the cap; every older live one ends.
    const others = and(
      eq(sessions.userId, userId),
      ne(sessions.id, id),
      isNull(sessions.revokedAt),
      gt(sessions.expiresAt, new Date(now)),
    );
    const keep = tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(others)
      .orderBy(desc(sessions.createdAt), desc(sessions.id))
      .limit(MAX_LIVE_SESSIONS - 1);
    await tx
      .update(sessions)
      .set({ revokedAt: new Date(now) })
      .where(and(others, notInArray(sessions.id, keep)));
    if (signIn) await recordEvent('sign_in_success', ctx, { userId, detail: signIn, tx });
  });
  return { token, id };
}

/**
 * The session behind a cookie token if it exists, is not revoked, has not expired, and, when the
 * account has two-factor on, passed the second factor. Asked on every protected request, so a
 * session validated a moment ago is served from ./session-cache.ts, which every change to the
 * session or its account empties at once; last_seen_at is written at most once a minute, and
 * never waited for.
 */
export async function validateSession(token: string): Promise<ActiveSession | null> {
  const id = hashToken(token);
  const nowMs = Date.now();
  const cached = cachedSession<ActiveSession>(id, nowMs);
  if (cached) {
    if (!cached.confirmed && !(await stillLive(id, nowMs))) {
      forgetSession(id);
      return null;
    }
    if (nowMs - cached.lastSeenAtMs > LAST_SEEN_RESOLUTION_MS) {
      cached.lastSeenAtMs = nowMs;
      touch(id, nowMs);
    }
    return cached.session;
  }
  const generation = await beginRead();
  const database = await db();
  const now = new Date(nowMs);
  const [row] = await database
    .select({
      id: sessions.id,
      userId: sessions.userId,
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      remember: sessions.remember,
      ipAddress: sessions.ipAddress,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
      mfaVerified: sessions.mfaVerified,
      mfaEnabledAt: totpFactors.enabledAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(totpFactors, and(eq(totpFactors.userId, sessions.userId), isNotNull(totpFactors.enabledAt)))
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .limit(1);
  if (!row) return null;
  // Defence in depth: such a session should not exist (enabling revokes the others), but if one
  // does, it never passed the second factor.
  if (row.mfaEnabledAt && !row.mfaVerified) return null;
  let lastSeenAtMs = row.lastSeenAt.getTime();
  if (nowMs - lastSeenAtMs > LAST_SEEN_RESOLUTION_MS) {
    lastSeenAtMs = nowMs;
    touch(id, nowMs);
  }
  const { lastSeenAt: _, mfaVerified: __, mfaEnabledAt, emailVerifiedAt, ...rest } = row;
  const session = { ...rest, mfaEnabled: mfaEnabledAt !== null, emailVerified: emailVerifiedAt !== null };
  remember(
    id,
    { session, userId: session.userId, expiresAtMs: session.expiresAt.getTime(), lastSeenAtMs },
    generation,
    nowMs,
  );
  return session;
}

/**
 * Whether the session is still there, unrevoked and unexpired: the one fact a cache cannot hold
 * across instances (./session-cache.ts). One primary-key lookup, no joins.
 */
async function stillLive(id: string, nowMs: number): Promise<boolean> {
  const database = await db();
  const [row] = await database
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date(nowMs))))
    .limit(1);
  return row !== undefined;
}

/**
 * Record that a session was seen, off the request's path: the page does not wait for it, and a
 * failure (the database busy or down) costs only the "last active" figure.
 */
function touch(id: string, nowMs: number): void {
  void db()
    .then((database) =>
      database
        .update(sessions)
        .set({ lastSeenAt: new Date(nowMs) })
        .where(and(eq(sessions.id, id), lt(sessions.lastSeenAt, new Date(nowMs)))),
    )
    .catch(() => {});
}

/** Revoke one session; true when this call ended it (it was live). */
export async function revokeSession(id: string, tx?: Db): Promise<boolean> {
  const database = tx ?? (await db());
  const revoked = await database
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  forgetSession(id);
  return revoked.length > 0;
}

/** Revoke every live session of a user except `keepId` (all of them when omitted). */
export async function revokeOtherSessions(userId: string, keepId?: string, tx?: Db): Promise<number> {
  const database = tx ?? (await db());
  const revoked = await database
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keepId ? ne(sessions.id, keepId) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  forgetUser(userId);
  return revoked.length;
}

/** Revoke one session of this user (a user can only ever revoke their own). */
export async function revokeUserSession(userId: string, id: string, tx?: Db): Promise<boolean> {
  const database = tx ?? (await db());
  const revoked = await database
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  forgetSession(id);
  return revoked.length > 0;
}

export type SessionListItem = {
  id: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  remember: boolean;
};

export async function listActiveSessions(userId: string): Promise<SessionListItem[]> {
  const database = await db();
  return database
    .select({
      id: sessions.id,
      ipAddress: sessions.ipAddress,
      userAgent: sessions.userAgent,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      remember: sessions.remember,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.lastSeenAt));
}
