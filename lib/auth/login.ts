import 'server-only';
import { recordEvent } from '@/lib/audit';
import { findCredentialsByEmail } from '@/lib/db/users';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import { ipBucket } from '@/lib/http/ip-bucket';
import type { RequestContext } from '@/lib/http/request-context';
import { emailKey, guarded, type Limit } from '@/lib/rate-limit';
import { verifyPassword } from './password';

export type PasswordSignInResult =
  | { ok: true; userId: string; mfaRequired: boolean }
  | Refused<'invalidCredentials'>
  /** The right password for a locked account: only someone who knows it learns of the lock. */
  | Refused<'accountLocked'>
  | RateLimited;

/**
 * The password step, guarded by the failed-guess limiters (per account or per known browser, and
 * per IP: given back on success or on a fault of ours) and by the verification budgets (every
 * argon2id verification counts). Unknown email and wrong password take the same path, time and message: verifyPassword
 * checks a dummy hash when there is no account.
 */
export async function passwordSignIn(
  email: string,
  password: string,
  ctx: RequestContext,
  /** The device id of a browser that signed in to this account before (lib/auth/device-cookie.ts). */
  device: string | null = null,
): Promise<PasswordSignInResult> {
  // Failed guesses: the account's budget for unknown browsers (5, then 15 minutes locked), or the
  // known browser's own; and the IP's across accounts.
  // The IP's first: its sender cannot vary it at will, as it can the address (./rate-limit).
  const failures: Limit[] = [
    { name: 'signInIp', id: ipBucket(ctx.ip) },
    device ? { name: 'signInDevice', id: device } : { name: 'signInAccount', id: emailKey(email) },
  ];
  // Every verification, right or wrong: argon2id is the expensive part whatever the answer.
  const verifications: Limit[] = [
    { name: 'passwordVerifyIp', id: ipBucket(ctx.ip) },
    { name: 'passwordVerifyAccount', id: emailKey(email) },
  ];
  const result = await guarded(
    verifications,
    // The right password for a locked account is not a failed guess: it spends no attempt.
    () =>
      guarded(
        failures,
        () => verify(email, password, ctx),
        (r) => !r.ok && r.kind !== 'accountLocked',
      ),
    // A refusal before verifying cost nothing, so it does not count as a verification.
    (r) => r.ok || r.kind !== 'rate_limited',
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

async function verify(
  email: string,
  password: string,
  ctx: RequestContext,
): Promise<
  | { ok: true; userId: string; mfaRequired: boolean }
  | Refused<'invalidCredentials'>
  | Refused<'accountLocked'>
> {
  const account = await findCredentialsByEmail(email);
  const valid = await verifyPassword(account?.passwordHash, password);
  if (!account || !valid) {
    await recordEvent('sign_in_failure', ctx, {
      userId: account?.id,
      detail: { reason: account ? 'wrong_password' : 'unknown_email' },
    });
    return refused('invalidCredentials');
  }
  // After the password, never before: a wrong password learns nothing about the lock. Recorded as
  // a refused sign-in, so the owner's history shows the attempt.
  if (account.locked) {
    await recordEvent('sign_in_failure', ctx, { userId: account.id, detail: { reason: 'account_locked' } });
    return refused('accountLocked');
  }
  // With two-factor on, the password step alone is not a sign-in: the challenge comes next. The
  // sign-in (or the challenge) is recorded with the record that makes it (startSession,
  // createChallenge), so no event claims a sign-in that never got its session.
  return { ok: true, userId: account.id, mfaRequired: account.mfaEnabled };
}
