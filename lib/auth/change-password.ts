import 'server-only';
import { eq } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { sendSecurityNotice } from '@/lib/email/notices';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import type { MessageKey } from '@/lib/messages';
import { revokeEmailTokens } from './email-tokens';
import { hashPassword } from './password';
import { passwordPolicyError } from './password-policy';
import { recheckPassword } from './recheck';
import { revokeOtherSessions } from './sessions';
import { removeAllTrustedDevices } from './trusted-devices';

export type ChangePasswordResult =
  | { ok: true; signedOut: number }
  | Refused<'currentPasswordWrong', 'currentPassword'>
  | Refused<MessageKey, 'newPassword'>
  | RateLimited;

/**
 * Change a password while signed in. The current password is a guessable step, so wrong ones
 * count against the account's sign-in limit (5 per 15 minutes). Every other session ends: a
 * password change is what someone does when they fear another person has theirs.
 */
export async function changePassword(
  user: { id: string; email: string },
  currentPassword: string,
  newPassword: string,
  keepSessionId: string,
  ctx: RequestContext,
): Promise<ChangePasswordResult> {
  const policy = await passwordPolicyError(newPassword, user.email);
  if (policy) return refused(policy, 'newPassword');

  const checked = await recheckPassword({ userId: user.id, sessionId: keepSessionId }, currentPassword, ctx);
  if (!checked.ok) {
    return checked.kind === 'rate_limited' ? checked : refused('currentPasswordWrong', 'currentPassword');
  }

  const passwordHash = await hashPassword(newPassword);
  const database = await db();
  // The new hash, the links and sessions it ends, and its audit event: all or nothing.
  const signedOut = await database.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    // A reset link asked for earlier would undo this change (OWASP: tokens die with the password).
    await revokeEmailTokens(user.id, ['reset_password'], tx);
    const count = await revokeOtherSessions(user.id, keepSessionId, tx);
    // Trust was given under the old password's account: whoever had that may have trusted a device.
    await removeAllTrustedDevices(user.id, tx, { ctx, reason: 'password_changed' });
    await recordEvent('password_changed', ctx, { userId: user.id, detail: { signedOut: count }, tx });
    return count;
  });
  await sendSecurityNotice(user.id, { kind: 'password_changed' }, ctx);
  return { ok: true, signedOut };
}
