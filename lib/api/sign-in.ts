import 'server-only';
import { sendVerificationEmail } from '@/lib/auth/email-verification';
import { passwordSignIn } from '@/lib/auth/login';
import { noteSignIn } from '@/lib/auth/new-device';
import { registerUser } from '@/lib/auth/register';
import { verifySecondStep } from '@/lib/auth/second-step';
import { findEmailById } from '@/lib/db/users';
import type { Failure } from '@/lib/failure';
import { ipBucket } from '@/lib/http/ip-bucket';
import type { RequestContext } from '@/lib/http/request-context';
import { createChallenge } from '@/lib/mfa/challenge';
import { normalizeTotpCode } from '@/lib/mfa/code-shapes';
import { guarded } from '@/lib/rate-limit';
import { refreshApiSession, startApiSession, type TokenPair } from './sessions';

/**
 * The web's sign-in, for programs: the same password step (same limits, same single message,
 * same audit), the same challenge between the two steps (5 minutes, 5 tries, the account's
 * 10-failure lock), the same single-use codes. What differs is only what comes back: tokens
 * instead of a cookie, the challenge's token in the body instead of a cookie.
 */
export type User = { id: string; email: string };
export type SignedIn = { ok: true; tokens: TokenPair & { user: User } };
export type ChallengeIssued = { ok: true; challengeToken: string };

/** Like the web's registration: the account, and a link to verify its address. */
export async function apiRegister(email: string, password: string, ctx: RequestContext) {
  const result = await registerUser(email, password, ctx);
  if (!result.ok) return result;
  // The registering network is the owner's: known from now on, and no mail.
  await noteSignIn(result.user.id, ctx, { knownBrowser: true, client: 'api' });
  try {
    await sendVerificationEmail(result.user, ctx);
  } catch {
    // Logged by the mail layer; the account exists, and the web's dashboard offers to send it again.
  }
  return { ok: true, user: { id: result.user.id, email: result.user.email } } as const;
}

export async function apiLogin(
  email: string,
  password: string,
  ctx: RequestContext,
): Promise<SignedIn | ChallengeIssued | Failure> {
  // No device cookie here: a program counts against the account's budget for unknown browsers.
  const result = await passwordSignIn(email, password, ctx, null);
  if (!result.ok) return result;
  if (result.mfaRequired) {
    return {
      ok: true,
      challengeToken: await createChallenge({ userId: result.userId, remember: true }, ctx),
    };
  }
  const tokens = await startApiSession(result.userId, ctx, false, { method: 'password' });
  await programSignedIn(result.userId, ctx);
  return signedIn(result.userId, email, tokens);
}

export async function apiVerifySecondStep(
  challengeToken: string,
  code: string,
  ctx: RequestContext,
): Promise<SignedIn | Failure> {
  // One field for both kinds: the shapes cannot be confused (6 digits; 10 letters and digits).
  const method = normalizeTotpCode(code) ? 'totp' : 'backup';
  const result = await verifySecondStep(challengeToken, method, code, ctx);
  if (!result.ok) return result;
  // Read before the session starts: nothing that can fail comes after it.
  const email = await findEmailById(result.userId);
  const tokens = await startApiSession(result.userId, ctx, true, { method });
  await programSignedIn(result.userId, ctx);
  return signedIn(result.userId, email, tokens);
}

/**
 * A program has no cookies, so no browser to know: a sign-in from a network the account has
 * never used mails the owner (noteSignIn never throws: the tokens are issued either way).
 */
function programSignedIn(userId: string, ctx: RequestContext): Promise<boolean> {
  return noteSignIn(userId, ctx, { knownBrowser: false, client: 'api' });
}

/** Every refresh counts against the IP's budget, whatever its outcome. */
export async function apiRefresh(refreshToken: string, ctx: RequestContext) {
  const result = await guarded(
    { name: 'apiRefreshIp', id: ipBucket(ctx.ip) },
    () => refreshApiSession(refreshToken, ctx),
    () => true,
  );
  if (!result.ok) return result;
  return signedIn(result.user.id, result.user.email, result.tokens);
}

function signedIn(userId: string, email: string | null, tokens: TokenPair): SignedIn {
  const { accessToken, refreshToken, tokenType, expiresIn } = tokens;
  return {
    ok: true,
    tokens: { accessToken, refreshToken, tokenType, expiresIn, user: { id: userId, email: email ?? '' } },
  };
}
