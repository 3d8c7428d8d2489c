import 'server-only';
import { recordEvent } from '@/lib/audit';
import { findPasswordHashById } from '@/lib/db/users';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import type { RequestContext } from '@/lib/http/request-context';
import { isMfaEnabled } from '@/lib/mfa/factors';
import { emailKey, guarded } from '@/lib/rate-limit';
import { verifyPassword } from './password';
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
 * is on. A stolen session alone is not enough. Wrong guesses count where the same guesses count
 * at sign-in: the password against the account's sign-in limit, password + code against the
 * second-factor limit (which locks). Saying which of password and code was wrong would let a
 * password be tested on its own, so with two-factor on the failure names neither.
 */
export async function confirmIdentity(
  user: { id: string; email: string },
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
  return guarded({ name: 'signInAccount', id: emailKey(user.email) }, async () => {
    if (await verifyPassword(await findPasswordHashById(user.id), password)) return { ok: true } as const;
    await recordEvent('password_recheck_failed', ctx, { userId: user.id });
    return refused('currentPasswordWrong', 'password');
  });
}
