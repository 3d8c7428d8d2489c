import 'server-only';
import { recordEvent } from '@/lib/audit';
import type { RequestContext } from '@/lib/http/request-context';
import { messages, tooManyAttempts } from '@/lib/messages';
import { isMfaEnabled } from '@/lib/mfa/factors';
import { stepUp } from '@/lib/mfa/step-up';
import { consume } from '@/lib/rate-limit';
import { accountKey } from './login';
import { verifyPassword } from './password';
import { findPasswordHashById } from './users';

export type ConfirmIdentityResult =
  | { ok: true }
  /** Wrong password (two-factor off), or wrong password or code (on: which one is not said). */
  | { ok: false; reason: 'invalid'; mfa: boolean }
  /** Two-factor is on and no code came with the request. Nothing was counted. */
  | { ok: false; reason: 'code_required' }
  | { ok: false; reason: 'rate_limited'; retryAt: number };

/**
 * "Is this really the account's owner?" before a change that takes the account away (new email
 * address, deletion): the password, and a current authenticator or backup code when two-factor
 * is on. A stolen session alone is not enough. Wrong guesses count where the same guesses count
 * at sign-in: the password against the account's sign-in limit, password + code against the
 * second-factor limit (which locks).
 */
export async function confirmIdentity(
  user: { id: string; email: string },
  password: string,
  code: string | undefined,
  ctx: RequestContext,
): Promise<ConfirmIdentityResult> {
  if (await isMfaEnabled(user.id)) {
    if (!code) return { ok: false, reason: 'code_required' };
    const check = await stepUp(user.id, password, code, ctx);
    if (check.ok) return { ok: true };
    return check.reason === 'rate_limited' ? check : { ok: false, reason: 'invalid', mfa: true };
  }
  const attempt = await consume('signInAccount', accountKey(user.email));
  if (!attempt.allowed) return { ok: false, reason: 'rate_limited', retryAt: attempt.retryAt };
  try {
    if (!(await verifyPassword(await findPasswordHashById(user.id), password))) {
      await recordEvent('password_recheck_failed', ctx, { userId: user.id });
      return { ok: false, reason: 'invalid', mfa: false };
    }
    await attempt.refund();
    return { ok: true };
  } catch (error) {
    await attempt.refund();
    throw error;
  }
}

export type IdentityFailure =
  | { ok: false; field: 'password' | 'code'; message: string }
  | { ok: false; error: string };

/**
 * What the form says when the check fails. With two-factor on, which of password and code was
 * wrong is not said (as at step-up): that would let a password be tested on its own.
 */
export function identityFailure(result: Exclude<ConfirmIdentityResult, { ok: true }>): IdentityFailure {
  switch (result.reason) {
    case 'code_required':
      return { ok: false, field: 'code', message: messages.codeRequired };
    case 'rate_limited':
      return { ok: false, error: tooManyAttempts(result.retryAt) };
    case 'invalid':
      return result.mfa
        ? { ok: false, error: messages.stepUpFailed }
        : { ok: false, field: 'password', message: messages.currentPasswordWrong };
  }
}
