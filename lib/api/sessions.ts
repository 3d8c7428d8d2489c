import 'server-only';
import type { AuditDetail } from '@/lib/audit';
import { createSession } from '@/lib/auth/sessions';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import type { RequestContext } from '@/lib/http/request-context';
import { type Amr, issueAccessToken } from './access-token';
import { newRefreshToken, type RotateResult, rotateRefreshToken } from './refresh-tokens';

/**
 * An API sign-in is a session record like a browser's (listed on /settings/security, ended
 * there, capped at 20 with the others, `sign_in_success` written with it), of kind 'api': its
 * credentials are an access token naming it and a refresh token, never a cookie.
 */
export type TokenPair = {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
};

const amrOf = (mfaVerified: boolean): Amr[] => (mfaVerified ? ['pwd', 'otp'] : ['pwd']);

async function pair(
  userId: string,
  sessionId: string,
  mfaVerified: boolean,
  refreshToken: string,
): Promise<TokenPair> {
  const access = await issueAccessToken({ sub: userId, sid: sessionId, amr: amrOf(mfaVerified) });
  return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
}

/**
 * A new API session (30 days, like "Remember me") with its first refresh token, in one statement.
 * The access token is signed first (the session's id is the hash of a token drawn here): nothing
 * can fail after the session exists, so no live session is left that nobody holds.
 */
export async function startApiSession(
  userId: string,
  ctx: RequestContext,
  mfaVerified: boolean,
  /** The sign-in's audit detail; none when a session only continues under new credentials. */
  signIn?: AuditDetail,
): Promise<TokenPair & { sessionId: string }> {
  const token = randomToken();
  const sessionId = hashToken(token);
  const refresh = newRefreshToken();
  const tokens = await pair(userId, sessionId, mfaVerified, refresh.token);
  await createSession(userId, true, ctx, mfaVerified, signIn && { ...signIn, client: 'api' }, token, {
    refreshTokenId: refresh.id,
  });
  return { ...tokens, sessionId };
}

export async function refreshApiSession(
  refreshToken: string,
  ctx: RequestContext,
): Promise<
  { ok: true; tokens: TokenPair; user: { id: string; email: string } } | Exclude<RotateResult, { ok: true }>
> {
  const rotated = await rotateRefreshToken(refreshToken, ctx);
  if (!rotated.ok) return rotated;
  const { id, userId, email, mfaVerified } = rotated.session;
  return {
    ok: true,
    tokens: await pair(userId, id, mfaVerified, rotated.refreshToken),
    user: { id: userId, email },
  };
}
