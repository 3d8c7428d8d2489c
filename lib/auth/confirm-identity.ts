import 'server-only';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { isMfaEnabled } from '@/lib/mfa/factors';
import { recheckPassword } from './recheck';
import { stepUp } from './step-up';

export type ConfirmIdentityResult =
  | { ok: true }
  /** Two-factor off: the password was wrong. */
  | Refused<'currentPasswordWrong', 'password'>
  /** Two-factor on: the password or the code was wrong (which one is not said, as at step-up). */
  | Refused<'stepUpFailed'>
  /** Two-factor is on and no code came with the request. Nothing was counted. */
  | Refused<'codeRequired', 'code'>
  | RateLimited;

/**
 * "Is this really the account's owner?" before a change that takes the account away (new email
 * address, deletion): the password, and a current authenticator or backup code when two-factor
 * is on. A stolen session alone is not enough. Wrong passwords count as in-session re-checks
 * (lib/auth/recheck.ts), never against public sign-in; password + code count against the
 * second-factor limit (which locks). Saying which of password and code was wrong would let a
 * password be tested on its own, so with two-factor on the failure names neither.
 */
export async function confirmIdentity(
  user: { id: string; email: string; sessionId?: string },
  password: string,
  code: string | undefined,
  ctx: RequestContext,
): Promise<ConfirmIdentityResult> {
  if (await isMfaEnabled(user.id)) {
    if (!code) return refused('codeRequired', 'code');
    const check = await stepUp(user.id, password, code, ctx);
    if (check.ok) return { ok: true };
    return check.kind === 'rate_limited' ? check : refused('stepUpFailed');
  }
  const check = await recheckPassword({ userId: user.id, sessionId: user.sessionId }, password, ctx);
  return check.ok || check.kind === 'rate_limited' ? check : refused('currentPasswordWrong', 'password');
}
