import 'server-only';
import { recordEvent } from '@/lib/audit';
import { findCredentialsByEmail } from '@/lib/db/users';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import { ipBucket } from '@/lib/http/ip-bucket';
import type { RequestContext } from '@/lib/http/request-context';
import { isMfaEnabled } from '@/lib/mfa/factors';
import { emailKey, guarded } from '@/lib/rate-limit';
import { verifyPassword } from './password';

export type PasswordSignInResult =
  | { ok: true; userId: string; mfaRequired: boolean }
  | Refused<'invalidCredentials'>
  | RateLimited;

/**
 * The password step, guarded by the per-account (any IP) and per-IP limiters: the attempt is
 * taken before verifying and given back on success (successes do not count) or on a fault of
 * ours. Unknown email and wrong password take the same path, time and message: verifyPassword
 * checks a dummy hash when there is no account.
 */
export async function passwordSignIn(
  email: string,
  password: string,
  ctx: RequestContext,
): Promise<PasswordSignInResult> {
  const result = await guarded(
    [
      { name: 'signInAccount', id: emailKey(email) },
      { name: 'signInIp', id: ipBucket(ctx.ip) },
    ],
    async () => {
      const account = await findCredentialsByEmail(email);
      const valid = await verifyPassword(account?.passwordHash, password);
      if (!account || !valid) {
        await recordEvent('sign_in_failure', ctx, {
          userId: account?.id,
          detail: { reason: account ? 'wrong_password' : 'unknown_email' },
        });
        return refused('invalidCredentials');
      }
      const mfaRequired = await isMfaEnabled(account.id);
      // With two-factor on, the password step alone is not a sign-in: the challenge comes next.
      if (mfaRequired) await recordEvent('mfa_challenge_issued', ctx, { userId: account.id });
      else await recordEvent('sign_in_success', ctx, { userId: account.id, detail: { method: 'password' } });
      return { ok: true, userId: account.id, mfaRequired } as const;
    },
  );
  if (!result.ok && result.kind === 'rate_limited') {
    const account = await findCredentialsByEmail(email);
    await recordEvent('sign_in_rate_limited', ctx, {
      userId: account?.id,
      detail: { limiter: result.limiter },
    });
    return { ok: false, kind: 'rate_limited', retryAt: result.retryAt };
  }
  return result;
}
