import 'server-only';
import { and, desc, eq, gt, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { AuditDetail, AuditType } from '@/lib/audit';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import { type Db, db, dbKind } from '@/lib/db/client';
import {
  auditEvents,
  type Role,
  refreshTokens,
  type SessionClient,
  sessions,
  totpFactors,
  users,
} from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';
import { AccountLockedError } from './account-lock';
import { beginRead, cachedSession, forgetSession, remember } from './session-cache';

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
  /** The account's role and when the two-factor policy started for it (lib/auth/mfa-policy.ts). */
  role: Role;
  mfaPolicySince: Date | null;
  /** 'web' (cookie) or 'api' (bearer tokens): each check accepts only its own. */
  client: SessionClient;
};

/**
 * A new session with a new random id, every sign-in; beyond MAX_LIVE_SESSIONS the oldest live
 * ones end, and the sign-in's audit event (`signIn`) is written, all in one statement: there is
 * never a "signed in" without its session. Returns the secret token for the cookie. A locked
 * account gets no session: AccountLockedError (./account-lock.ts), whichever flow asked.
 *
 * One statement because a sign-in pays for each: the new row, the cap and the event are
 * data-modifying CTEs, atomic together. The cap must see every other live session, so sign-ins
 * of one account are serialised: PostgreSQL takes the account row's lock first, in a transaction
 * (the statement that follows gets a snapshot taken after the lock, so a sign-in that committed
 * meanwhile counts); PGlite runs one statement at a time, so its statement alone is serialised.
 */
export async function createSession(
  userId: string,
  remember: boolean,
  ctx: RequestContext,
  mfaVerified = false,
  signIn?: AuditDetail,
  /** The secret token, when the caller drew it first (to mint the cookie meanwhile). */
  token = randomToken(),
  /** An API session (lib/api/): its kind, and its first refresh token's hash, written with it. */
  api?: { refreshTokenId: string },
): Promise<{ token: string; id: string; expiresAt: Date }> {
  const id = hashToken(token);
  const client: SessionClient = api ? 'api' : 'web';
  const now = Date.now();
  // Timestamps as ISO text: postgres.js refuses Date parameters in raw SQL.
  const at = new Date(now).toISOString();
  const expires = new Date(now + (remember ? REMEMBER_SESSION_MS : BROWSER_SESSION_MS)).toISOString();
  const live = sql`${sessions.userId} = ${userId} and ${sessions.revokedAt} is null and ${sessions.expiresAt} > ${at}::timestamptz`;
  const statement = sql`
    with new_session as (
      insert into ${sessions} (id, user_id, remember, mfa_verified, ip_address, user_agent, created_at, last_seen_at, expires_at, client)
      select ${id}, ${userId}, ${remember}, ${mfaVerified}, ${ctx.ip}, ${ctx.userAgent}, ${at}::timestamptz, ${at}::timestamptz, ${expires}::timestamptz, ${client}
      -- A locked account starts no session, whichever path got here (./account-lock.ts).
      where not exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.lockedAt} is not null)
      returning id
    ),${
      // The foreign key is checked at the statement's end, when the new session exists.
      api
        ? sql`
    refresh as (
      insert into ${refreshTokens} (id, session_id, created_at, expires_at)
      select ${api.refreshTokenId}, new_session.id, ${at}::timestamptz, ${expires}::timestamptz from new_session
      returning id
    ),`
        : sql``
    }
    -- The newest of the others up to the cap stay; every older live one ends. (The new row is
    -- not visible to this CTE: it is one of the cap's own.)
    ended as (
      update ${sessions} set revoked_at = ${at}::timestamptz
      where exists (select 1 from new_session) and ${live} and ${sessions.id} <> ${id} and ${sessions.id} not in (
        select ${sessions.id} from ${sessions} where ${live} and ${sessions.id} <> ${id}
        order by ${sessions.createdAt} desc, ${sessions.id} desc limit ${MAX_LIVE_SESSIONS - 1}
      )
      returning ${sessions.userId}
    )${
      signIn
        ? sql`,
    event as (
      insert into ${auditEvents} (user_id, type, ip_address, user_agent, detail, created_at)
      select ${userId}, ${'sign_in_success' satisfies AuditType}, ${ctx.ip}, ${ctx.userAgent}, ${JSON.stringify(signIn)}::jsonb, ${at}::timestamptz from new_session
      returning id
    )`
        : sql``
    }
    select (select count(*) from new_session) as created, (select count(*) from ended) as ended`;
  const database = await db();
  let result: unknown;
  if ((await dbKind()) === 'pglite') {
    result = await database.execute(statement);
  } else {
    // Read committed whatever the server's default: the statement's snapshot must come after
    // the lock (under repeatable read it would be taken at the lock, before its wait). Locking an
    // account takes the same row lock, so a sign-in racing a lock either ends with the lock's
    // revocation or sees locked_at and starts nothing.
    result = await database.transaction(
      async (tx) => {
        await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('no key update');
        return tx.execute(statement);
      },
      { isolationLevel: 'read committed' },
    );
  }
  const [row] = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as {
    created: number | string;
  }[];
  if (Number(row?.created) !== 1) throw new AccountLockedError();
  return { token, id, expiresAt: new Date(expires) };
}

/**
 * The session behind a cookie token if it exists, is not revoked, has not expired, and, when the
 * account has two-factor on, passed the second factor. Asked on every protected request, so a
 * session validated a moment ago is served from ./session-cache.ts, which every change to the
 * session or its account empties at once; last_seen_at is written at most once a minute, and
 * never waited for.
 */
export async function validateSession(token: string): Promise<ActiveSession | null> {
  return validateSessionId(hashToken(token));
}

/** The same check by the record's id: an API access token names its session by id (lib/api/). */
export async function validateSessionId(id: string): Promise<ActiveSession | null> {
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
      // Cached with the session: a change to the account row (a role granted, the policy's clock)
      // empties the cache like any other (drizzle/0005_session_changes.sql).
      role: users.role,
      mfaPolicySince: users.mfaPolicySince,
      client: sessions.client,
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
 * Whether the session is still there, unrevoked, unexpired, and past the second factor if the
 * account has one on: the facts a cache cannot hold across instances (./session-cache.ts). One
 * primary-key lookup and the account's factor row.
 */
async function stillLive(id: string, nowMs: number): Promise<boolean> {
  const database = await db();
  let query = stillLiveQueries.get(database);
  if (!query) {
    // Asked on every protected request: built once and prepared (named on PostgreSQL, so the
    // server plans it once per connection too).
    query = database
      .select({ id: sessions.id })
      .from(sessions)
      .leftJoin(totpFactors, and(eq(totpFactors.userId, sessions.userId), isNotNull(totpFactors.enabledAt)))
      .where(
        and(
          eq(sessions.id, sql.placeholder('id')),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, sql.placeholder('now')),
          or(isNull(totpFactors.userId), eq(sessions.mfaVerified, true)),
        ),
      )
      .limit(1)
      .prepare('latchkey_session_still_live');
    stillLiveQueries.set(database, query);
  }
  const rows = await query.execute({ id, now: new Date(nowMs).toISOString() });
  return rows.length > 0;
}

const stillLiveQueries = new WeakMap<
  Db,
  { execute: (p: { id: string; now: string }) => Promise<unknown[]> }
>();

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
  return revoked.length > 0;
}

export type SessionListItem = {
  id: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  remember: boolean;
  client: SessionClient;
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
      client: sessions.client,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date())))
    .orderBy(desc(sessions.lastSeenAt));
}
