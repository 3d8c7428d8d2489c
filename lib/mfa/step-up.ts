import 'server-only';
import { verifyPassword } from '@/lib/auth/password';
import { findPasswordHashById } from '@/lib/auth/users';
import type { RequestContext } from '@/lib/http/request-context';
import { guessMethod } from './factors';
import { checkSecondFactor, type SecondFactorResult } from './verify';

/**
 * Re-authentication for changes to the second factor itself (regenerate, disable): the current
 * password and a current authenticator or backup code, both checked here on the server. A stolen
 * session alone, or a password alone, is not enough. Failures count against the account's
 * second-factor limit.
 */
export function stepUp(
  userId: string,
  password: string,
  code: string,
  ctx: RequestContext,
): Promise<SecondFactorResult> {
  return checkSecondFactor(userId, guessMethod(code), code, ctx, 'step_up', async () =>
    verifyPassword(await findPasswordHashById(userId), password),
  );
}
