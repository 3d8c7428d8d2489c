import 'server-only';
import type { RequestContext } from '@/lib/http/request-context';
import { messages } from '@/lib/messages';
import { consume } from '@/lib/rate-limit';
import { hashPassword } from './password';
import { passwordPolicyError } from './password-policy';
import { createUser, type UserDTO } from './users';

export type RegisterResult =
  | { ok: true; user: UserDTO }
  | { ok: false; field: 'email' | 'password'; message: string }
  | { ok: false; reason: 'rate_limited'; retryAt: number };

/** Input is already parsed by registerSchema (trimmed, lower-cased email; NFKC password). */
export async function registerUser(
  email: string,
  password: string,
  ctx: RequestContext,
): Promise<RegisterResult> {
  const policy = passwordPolicyError(password, email);
  if (policy) return { ok: false, field: 'password', message: policy };

  const attempt = await consume('register', ctx.ip);
  if (!attempt.allowed) return { ok: false, reason: 'rate_limited', retryAt: attempt.retryAt };
  try {
    const user = await createUser(email, await hashPassword(password), ctx);
    if (!user) return { ok: false, field: 'email', message: messages.emailTaken };
    return { ok: true, user };
  } catch (error) {
    await attempt.refund();
    throw error;
  }
}
