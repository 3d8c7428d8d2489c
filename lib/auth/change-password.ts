import 'server-only';
import { eq } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';
import { messages } from '@/lib/messages';
import { consume } from '@/lib/rate-limit';
import { accountKey } from './login';
import { hashPassword, verifyPassword } from './password';
import { passwordPolicyError } from './password-policy';
import { revokeOtherSessions } from './sessions';
import { findPasswordHashById } from './users';

export type ChangePasswordResult =
  | { ok: true; signedOut: number }
  | { ok: false; field: 'currentPassword' | 'newPassword'; message: string }
  | { ok: false; reason: 'rate_limited'; retryAt: number };

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
  const policy = passwordPolicyError(newPassword, user.email);
  if (policy) return { ok: false, field: 'newPassword', message: policy };

  const attempt = await consume('signInAccount', accountKey(user.email));
  if (!attempt.allowed) return { ok: false, reason: 'rate_limited', retryAt: attempt.retryAt };
  try {
    if (!(await verifyPassword(await findPasswordHashById(user.id), currentPassword))) {
      return { ok: false, field: 'currentPassword', message: messages.currentPasswordWrong };
    }
    const passwordHash = await hashPassword(newPassword);
    const database = await db();
    await database.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    await attempt.refund();
    const signedOut = await revokeOtherSessions(user.id, keepSessionId);
    await recordEvent('password_changed', ctx, { userId: user.id, detail: { signedOut } });
    return { ok: true, signedOut };
  } catch (error) {
    await attempt.refund();
    throw error;
  }
}
