import 'server-only';
import { createUser, type UserDTO } from '@/lib/db/users';
import { type RateLimited, type Refused, refused } from '@/lib/failure';
import { ipBucket } from '@/lib/http/ip-bucket';
import type { RequestContext } from '@/lib/http/request-context';
import type { MessageKey } from '@/lib/messages';
import { guarded } from '@/lib/rate-limit';
import { hashPassword } from './password';
import { passwordPolicyError } from './password-policy';

export type RegisterResult =
  | { ok: true; user: UserDTO }
  | Refused<'emailTaken', 'email'>
  | Refused<MessageKey, 'password'>
  | RateLimited;

/** Input is already parsed by registerSchema (trimmed, lower-cased email; NFKC password). */
export async function registerUser(
  email: string,
  password: string,
  ctx: RequestContext,
): Promise<RegisterResult> {
  const policy = await passwordPolicyError(password, email);
  if (policy) return refused(policy, 'password');

  // Every account created counts against the IP, a taken address too (it still cost a hash).
  return guarded(
    { name: 'register', id: ipBucket(ctx.ip) },
    async () => {
      const user = await createUser(email, await hashPassword(password), ctx);
      return user ? ({ ok: true, user } as const) : refused('emailTaken', 'email');
    },
    () => true,
  );
}
