import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
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
  | 'account_deleted';

export type AuditDetail = Record<string, string | number | boolean>;

export async function recordEvent(
  type: AuditType,
  ctx: RequestContext,
  options: { userId?: string | null; detail?: AuditDetail } = {},
): Promise<void> {
  const database = await db();
  const { userId } = options;
  await database.insert(auditEvents).values({
    type,
    // The account as it exists at insert time: an event about an account deleted a moment ago
    // (a sign-in that was under way) is kept without the id instead of failing the request.
    userId: userId ? sql`(select ${users.id} from ${users} where ${users.id} = ${userId})` : null,
    ipAddress: ctx.ip,
    userAgent: ctx.userAgent,
    detail: options.detail ?? {},
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

export async function recentEvents(userId: string, limit = 20): Promise<AuditEventDTO[]> {
  const database = await db();
  const rows = await database
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.userId, userId))
    .orderBy(desc(auditEvents.createdAt))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    type: r.type as AuditType,
    ipAddress: r.ipAddress,
    userAgent: r.userAgent,
    detail: r.detail,
    createdAt: r.createdAt,
  }));
}
