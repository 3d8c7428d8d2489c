import 'server-only';
import { findPasswordHashById } from '@/lib/db/users';
import type { RequestContext } from '@/lib/http/request-context';
import { guessMethod } from '@/lib/mfa/factors';
import { cancelPendingRecoveries } from './account-recovery';
import { verifyPassword } from './password';
import { afterSecondFactor, checkSecondFactor, type SecondFactorResult } from './second-factor';

/**
 * Re-authentication for changes to the second factor itself (regenerate, disable) and for
 * changes that take the account away: the current password and a current authenticator or
 * backup code, both checked here on the server. A stolen session alone, or a password alone, is
 * not enough. Failures count against the account's second-factor limit, and which of the two was
 * wrong is never said.
 */
export async function stepUp(
  userId: string,
  password: string,
  code: string,
  ctx: RequestContext,
): Promise<SecondFactorResult> {
  const result = await checkSecondFactor(userId, guessMethod(code), code, ctx, 'step_up', async () =>
    verifyPassword(await findPasswordHashById(userId), password),
  );
  if (result.ok) {
    await afterSecondFactor(userId, result, ctx);
    await cancelPendingRecoveries(userId, ctx, 'step_up');
  }
  return result;
}
