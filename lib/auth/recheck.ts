import 'server-only';
import { recordEvent } from '@/lib/audit';
import { findPasswordHashById } from '@/lib/db/users';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { guarded, type Limit } from '@/lib/rate-limit';
import { verifyPassword } from './password';

export type RecheckResult = { ok: true } | Refused<'currentPasswordWrong'> | RateLimited;

/**
 * The password again, inside a signed-in session, before a change. Wrong ones count per session
 * (5 per 15 minutes) and per user (10), in budgets of their own (lib/rate-limit): never against
 * public sign-in, so neither side can lock the other out. A right one gives the attempt back.
 */
export async function recheckPassword(
  who: { userId: string; sessionId?: string },
  password: string,
  ctx: RequestContext,
): Promise<RecheckResult> {
  const limits: Limit[] = [{ name: 'passwordRecheckUser', id: who.userId }];
  if (who.sessionId) limits.push({ name: 'passwordRecheckSession', id: who.sessionId });
  return guarded(limits, async () => {
    const hash = await findPasswordHashById(who.userId);
    if (await verifyPassword(hash, password)) return { ok: true } as const;
    // An account deleted meanwhile (a second deletion racing the first) has no one to warn.
    if (hash) await recordEvent('password_recheck_failed', ctx, { userId: who.userId });
    return refused('currentPasswordWrong');
  });
}
