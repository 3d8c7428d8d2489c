import 'server-only';
import { createHash } from 'node:crypto';
import { recordEvent } from '@/lib/audit';
import type { RequestContext } from '@/lib/http/request-context';
import { isMfaEnabled } from '@/lib/mfa/factors';
import { consumeAll } from '@/lib/rate-limit';
import { verifyPassword } from './password';
import { findCredentialsByEmail } from './users';

export type PasswordSignInResult =
  | { ok: true; userId: string; mfaRequired: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'rate_limited'; retryAt: number };

/** Limiter key for an account: the email's hash, so Redis keys hold no addresses. */
export function accountKey(email: string): string {
  return createHash('sha256').update(email).digest('hex').slice(0, 32);
}

/**
 * The password step. Check → consume → verify → refund (pilcrow's order): the attempt is taken
 * atomically before verifying, so concurrent guesses cannot exceed the limit, and given back on
 * success (successes do not count) or on a fault of ours (it was never a guess).
 * Unknown email and wrong password take the same path, time and message.
 */
export async function passwordSignIn(
  email: string,
  password: string,
  ctx: RequestContext,
): Promise<PasswordSignInResult> {
  const attempt = await consumeAll([
    { name: 'signInAccount', id: accountKey(email) },
    { name: 'signInIp', id: ctx.ip },
  ]);
  if (!attempt.allowed) {
    const account = await findCredentialsByEmail(email);
    await recordEvent('sign_in_rate_limited', ctx, {
      userId: account?.id,
      detail: { limiter: attempt.limiter },
    });
    return { ok: false, reason: 'rate_limited', retryAt: attempt.retryAt };
  }
  try {
    const account = await findCredentialsByEmail(email);
    const valid = await verifyPassword(account?.passwordHash, password);
    if (!account || !valid) {
      await recordEvent('sign_in_failure', ctx, {
        userId: account?.id,
        detail: { reason: account ? 'wrong_password' : 'unknown_email' },
      });
      return { ok: false, reason: 'invalid' };
    }
    await attempt.refund();
    const mfaRequired = await isMfaEnabled(account.id);
    // With two-factor on, the password step alone is not a sign-in: the challenge comes next.
    if (mfaRequired) await recordEvent('mfa_challenge_issued', ctx, { userId: account.id });
    else await recordEvent('sign_in_success', ctx, { userId: account.id, detail: { method: 'password' } });
    return { ok: true, userId: account.id, mfaRequired };
  } catch (error) {
    await attempt.refund();
    throw error;
  }
}
