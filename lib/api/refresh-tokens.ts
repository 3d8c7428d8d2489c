import 'server-only';
import { sql } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import { db } from '@/lib/db/client';
import { refreshTokens, sessions, totpFactors, users } from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';

/**
 * Refresh tokens of API sessions (RFC 9700 §4.14.2, OAuth 2.1 §4.3.1): opaque, 256 random bits,
 * stored as their SHA-256, valid until their session ends (30 days at most), and used once. Each
 * use hands out the next one in the same statement. A token used a second time is a copy, the
 * thief's or the owner's (the two cannot be told apart), so it ends the whole session, the new
 * token included, and the owner sees a security event. Of two concurrent uses exactly one wins:
 * the spend is one conditional UPDATE, and the loser is a second use like any other.
 */

/** Stays within ASCII and base64url: what `randomToken()` draws, at its length. */
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

export type RotateResult =
  | {
      ok: true;
      refreshToken: string;
      session: { id: string; userId: string; email: string; mfaVerified: boolean };
    }
  /** Never issued, expired, or its session is over. */
  | { ok: false; kind: 'invalid' }
  /** Used before: the session it belonged to is now over. */
  | { ok: false; kind: 'reused' };

/**
 * Used tokens kept per session for recognising a second use. Older ones are deleted as new ones
 * are made, so a session's rows stay bounded however long it lives: replaying a token that many
 * generations old is answered `invalid` (it fails all the same) rather than ending the session.
 */
const USED_KEPT = 20;

/** A new refresh token and the hash its row is stored under. */
export function newRefreshToken(): { token: string; id: string } {
  const token = randomToken();
  return { token, id: hashToken(token) };
}

export async function rotateRefreshToken(token: unknown, ctx: RequestContext): Promise<RotateResult> {
  if (typeof token !== 'string' || !WELL_FORMED.test(token)) return { ok: false, kind: 'invalid' };
  const oldId = hashToken(token);
  const next = newRefreshToken();
  const now = new Date().toISOString();
  const database = await db();
  // Spend the old one, only while unused, unexpired and its session live; the new one ends when
  // the session does. One statement: there is never a spent token without its successor.
  // Spend the old one, only while unused, unexpired and its session live (not revoked, not
  // expired, an API session, past the second factor if the account has one on: the rule of
  // validateSessionId) and its account not locked (locking ends the sessions too; this holds
  // even for one that slipped past); the new one ends when the session does; the account's address comes
  // along, so nothing that could fail is left between this commit and the answer. One statement:
  // there is never a spent token without its successor.
  const rows = await database.execute(sql`
    with spent as (
      update ${refreshTokens} set used_at = ${now}::timestamptz
      where id = ${oldId} and used_at is null and expires_at > ${now}::timestamptz
        and session_id in (
          select s.id from ${sessions} s
          join ${users} owner on owner.id = s.user_id and owner.locked_at is null
          where s.revoked_at is null and s.expires_at > ${now}::timestamptz and s.client = 'api'
            and (s.mfa_verified or not exists (
              select 1 from ${totpFactors} f where f.user_id = s.user_id and f.enabled_at is not null
            ))
        )
      returning session_id
    ),
    live as (
      select s.id, s.user_id, s.mfa_verified, s.expires_at, u.email
      from ${sessions} s join spent on s.id = spent.session_id join ${users} u on u.id = s.user_id
    ),
    fresh as (
      insert into ${refreshTokens} (id, session_id, created_at, expires_at)
      select ${next.id}, live.id, ${now}::timestamptz, live.expires_at from live
      returning id
    ),
    pruned as (
      delete from ${refreshTokens} where id in (
        select r.id from ${refreshTokens} r join live on r.session_id = live.id
        where r.used_at is not null
        order by r.used_at desc offset ${USED_KEPT}
      )
      returning id
    )
    select live.id, live.user_id, live.mfa_verified, live.email from live where exists (select 1 from fresh)`);
  const [row] = rowsOf<{ id: string; user_id: string; mfa_verified: boolean; email: string }>(rows);
  if (row) {
    return {
      ok: true,
      refreshToken: next.token,
      session: { id: row.id, userId: row.user_id, email: row.email, mfaVerified: row.mfa_verified },
    };
  }
  return (await endSessionOfReusedToken(oldId, now, ctx))
    ? { ok: false, kind: 'reused' }
    : { ok: false, kind: 'invalid' };
}

/**
 * The token was not spendable: if it was spent before, its session ends (and every token of it
 * with the session), and the owner is told in their activity. True when it had been used.
 */
async function endSessionOfReusedToken(oldId: string, now: string, ctx: RequestContext): Promise<boolean> {
  const database = await db();
  const rows = await database.execute(sql`
    with hit as (
      select session_id from ${refreshTokens} where id = ${oldId} and used_at is not null
    ),
    ended as (
      update ${sessions} set revoked_at = ${now}::timestamptz
      where id in (select session_id from hit) and revoked_at is null
      returning id
    )
    select s.user_id, exists (select 1 from ended) as ended, s.expires_at > ${now}::timestamptz as unexpired
    from ${sessions} s where s.id in (select session_id from hit)`);
  const [row] = rowsOf<{ user_id: string; ended: boolean; unexpired: boolean }>(rows);
  // A session that ran out is over whatever its tokens say: nothing to end, nothing to report.
  if (!row?.unexpired) return false;
  // Only when it ended a live session: replaying a token of a session already over changes
  // nothing, and must not let anyone holding an old token write into the owner's history at will.
  if (row.ended) {
    await recordEvent('refresh_token_reused', ctx, { userId: row.user_id });
  }
  return true;
}

/** postgres.js returns the rows themselves; PGlite an object holding them. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
