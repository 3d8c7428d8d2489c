import 'server-only';
import { and, desc, eq, gt, inArray, notInArray, sql } from 'drizzle-orm';
import { type Db, db } from '@/lib/db/client';
import { auditEvents, users } from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';

/** Security events worth showing a user or an investigator. Never a password, code or token. */
export type AuditType =
  | 'registered'
  | 'sign_in_success'
  | 'sign_in_failure'
  | 'sign_in_rate_limited'
  | 'sign_out'
  | 'session_revoked'
  | 'mfa_setup_started'
  | 'mfa_enabled'
  | 'mfa_enable_failed'
  | 'mfa_challenge_issued'
  | 'mfa_verify_success'
  | 'mfa_verify_failure'
  | 'mfa_locked'
  | 'backup_code_used'
  | 'backup_codes_regenerated'
  | 'mfa_disabled'
  | 'password_changed'
  | 'password_recheck_failed'
  | 'email_verification_sent'
  | 'email_verified'
  | 'password_reset_requested'
  | 'password_reset'
  | 'email_change_requested'
  | 'email_changed'
  | 'change_undone'
  | 'data_exported'
  | 'refresh_token_reused'
  /** Every factor lost: a recovery was asked for (mailed only to a verified address with two-factor on). */
  | 'account_recovery_requested'
  | 'account_recovery_cancelled'
  | 'account_recovery_completed'
  /** This browser skips the second step for 30 days (lib/auth/trusted-devices.ts). */
  | 'trusted_device_added'
  | 'trusted_device_removed'
  /** A sign-in from a browser and network never seen for the account: the owner was mailed. */
  | 'new_device_sign_in'
  /** From the command line or an administrator; detail.role, detail.by (the admin's id, if any). */
  | 'role_granted'
  | 'role_revoked'
  /** Administrators' actions on someone's account: detail.by is the admin's id. */
  | 'admin_signed_out_everywhere'
  | 'admin_mfa_reset'
  | 'account_locked'
  | 'account_unlocked'
  | 'account_deleted';

export type AuditDetail = Record<string, string | number | boolean>;

/**
 * Refusals anyone can cause without signing in. An attacker looping wrong passwords must not
 * write a row per request into the victim's history: within 15 minutes they fold into one row
 * per account and kind, whose `count` says how many.
 */
const FOLDED: ReadonlySet<AuditType> = new Set(['sign_in_failure', 'sign_in_rate_limited']);
const FOLD_WINDOW_MS = 15 * 60_000;

/**
 * What others can cause (refusals) is listed apart from what the owner did, so that noise can
 * never push the owner's own changes out of the recent-activity list.
 */
const NOISE: readonly AuditType[] = [
  'sign_in_failure',
  'sign_in_rate_limited',
  'mfa_verify_failure',
  'mfa_locked',
  'password_recheck_failed',
  'mfa_enable_failed',
];

/**
 * Record an event. Pass `tx` to write it in the transaction that makes the change it describes,
 * so the two commit together or not at all (no "signed in" without a session, no revoked
 * session without its "signed out").
 */
export async function recordEvent(
  type: AuditType,
  ctx: RequestContext,
  options: { userId?: string | null; detail?: AuditDetail; tx?: Db } = {},
): Promise<void> {
  const database = options.tx ?? (await db());
  const { userId } = options;
  if (userId && FOLDED.has(type)) {
    const folded = await database.transaction(async (tx) => {
      // One folder at a time per account, so concurrent refusals add up instead of both inserting.
      const [owner] = await tx
        .select({ id: users.id })
        .from(users)
        .where(eq(users.id, userId))
        .for('no key update');
      if (!owner) return false;
      const [row] = await tx
        .update(auditEvents)
        .set({
          detail: sql`jsonb_set(${auditEvents.detail}, '{count}', to_jsonb(coalesce((${auditEvents.detail}->>'count')::int, 1) + 1))`,
        })
        .where(
          inArray(
            auditEvents.id,
            tx
              .select({ id: auditEvents.id })
              .from(auditEvents)
              .where(
                and(
                  eq(auditEvents.userId, userId),
                  eq(auditEvents.type, type),
                  gt(auditEvents.createdAt, new Date(Date.now() - FOLD_WINDOW_MS)),
                ),
              )
              .orderBy(desc(auditEvents.createdAt))
              .limit(1),
          ),
        )
        .returning({ id: auditEvents.id });
      if (row) return true;
      await tx.insert(auditEvents).values({
        type,
        userId,
        ipAddress: ctx.ip,
        userAgent: ctx.userAgent,
        detail: { ...options.detail, count: 1 },
        // The application's clock, the one the fold window above is measured with.
        createdAt: new Date(),
      });
      return true;
    });
    if (folded) return;
  }
  await database.insert(auditEvents).values({
    type,
    // The account as it exists at insert time: an event about an account deleted a moment ago
    // (a sign-in that was under way) is kept without the id instead of failing the request.
    userId: userId ? sql`(select ${users.id} from ${users} where ${users.id} = ${userId})` : null,
    ipAddress: ctx.ip,
    userAgent: ctx.userAgent,
    detail: options.detail ?? {},
    createdAt: new Date(),
  });
}

export type AuditEventDTO = {
  id: string;
  type: AuditType;
  ipAddress: string | null;
  userAgent: string | null;
  detail: AuditDetail;
  createdAt: Date;
};

/**
 * The newest `limit` events, newest first, of which at most `noiseLimit` are refusals: however
 * many refusals there were, the owner's newest `limit - noiseLimit` changes stay in view.
 */
export async function recentEvents(userId: string, limit = 20, noiseLimit = 5): Promise<AuditEventDTO[]> {
  const database = await db();
  const newest = (noise: boolean, n: number) =>
    database
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.userId, userId),
          noise ? inArray(auditEvents.type, [...NOISE]) : notInArray(auditEvents.type, [...NOISE]),
        ),
      )
      .orderBy(desc(auditEvents.createdAt))
      .limit(n);
  const [own, noise] = await Promise.all([newest(false, limit), newest(true, noiseLimit)]);
  const rows = [...own, ...noise]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, limit);
  return rows.map((r) => ({
    id: r.id,
    type: r.type as AuditType,
    ipAddress: r.ipAddress,
    userAgent: r.userAgent,
    detail: r.detail,
    createdAt: r.createdAt,
  }));
}
