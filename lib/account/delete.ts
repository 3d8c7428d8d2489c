import 'server-only';
import { eq } from 'drizzle-orm';
import { type ConfirmIdentityResult, confirmIdentity } from '@/lib/auth/confirm-identity';
import { db } from '@/lib/db/client';
import { auditEvents, users } from '@/lib/db/schema';
import { sendSecurityNotice } from '@/lib/email/notices';
import { type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';

export type DeleteAccountResult = ConfirmIdentityResult | Refused<'sessionEnded'>;

/**
 * Delete an account for good, after the owner proved it is them (password, and a code when
 * two-factor is on: a stolen session alone must not be able to erase the account and its
 * history). Everything the account owns hangs off the user row with ON DELETE CASCADE (sessions,
 * authenticator, backup codes, email links, audit events), so one DELETE removes it all at once
 * and nothing can be left half-deleted; every open session dies with its row, and anything that
 * still names the user (a pending sign-in challenge) finds no account to act on.
 */
export async function deleteAccount(
  user: { id: string; email: string; sessionId?: string },
  password: string,
  code: string | undefined,
  ctx: RequestContext,
): Promise<DeleteAccountResult> {
  const check = await confirmIdentity(user, password, code, ctx);
  if (!check.ok) return check;

  const database = await db();
  const deleted = await database.transaction(async (tx) => {
    const [row] = await tx.delete(users).where(eq(users.id, user.id)).returning({ email: users.email });
    if (!row) return null;
    // In the same transaction, so a deletion is never unrecorded. No user id and no address:
    // the record must not keep what the person asked us to forget.
    await tx.insert(auditEvents).values({
      type: 'account_deleted',
      userId: null,
      ipAddress: ctx.ip,
      userAgent: ctx.userAgent,
      createdAt: new Date(),
    });
    return row;
  });
  // Already gone: a concurrent request deleted it first, and that one reported it.
  if (!deleted) return refused('sessionEnded');

  // The row is gone, so the address is passed along; the one it had at the moment of deletion.
  await sendSecurityNotice(user.id, { kind: 'account_deleted' }, ctx, { to: deleted.email });
  return { ok: true };
}
