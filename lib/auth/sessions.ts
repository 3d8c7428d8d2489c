import 'server-only';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { sessions, users } from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';
import { hashToken, randomToken } from './tokens';

export const REMEMBER_SESSION_MS = 30 * 24 * 60 * 60 * 1000;
/** Without "Remember me" the cookie ends with the browser, and the record after 24 h at most. */
export const BROWSER_SESSION_MS = 24 * 60 * 60 * 1000;
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
};

/** A new session with a new random id, every sign-in. Returns the secret token for the cookie. */
export async function createSession(
  userId: string,
  remember: boolean,
  ctx: RequestContext,
): Promise<{ token: string; id: string }> {
  const token = randomToken();
  const id = hashToken(token);
  const now = Date.now();
  const database = await db();
  await database.insert(sessions).values({
    id,
    userId,
    remember,
    ipAddress: ctx.ip,
    userAgent: ctx.userAgent,
    createdAt: new Date(now),
    lastSeenAt: new Date(now),
    expiresAt: new Date(now + (remember ? REMEMBER_SESSION_MS : BROWSER_SESSION_MS)),
  });
  return { token, id };
}

/** The session behind a cookie token if it exists, is not revoked and has not expired. */
export async function validateSession(token: string): Promise<ActiveSession | null> {
  const database = await db();
  const now = new Date();
  const [row] = await database
    .select({
      id: sessions.id,
      userId: sessions.userId,
      email: users.email,
      remember: sessions.remember,
      ipAddress: sessions.ipAddress,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, hashToken(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .limit(1);
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await database.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.id));
  }
  const { lastSeenAt: _, ...session } = row;
  return session;
}

export async function revokeSession(id: string): Promise<void> {
  const database = await db();
  await database
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}
