import 'server-only';
import { recordEvent } from '@/lib/audit';
import { roleOf, rolesHeld } from '@/lib/auth/roles';
import {
  listActiveSessions,
  revokeOtherSessions,
  revokeSession,
  revokeUserSession,
} from '@/lib/auth/sessions';
import { disableTwoFactor, enableTwoFactor, startTwoFactorSetup } from '@/lib/auth/two-factor';
import { db } from '@/lib/db/client';
import type { RequestContext } from '@/lib/http/request-context';
import type { Caller } from './route';
import { startApiSession, type TokenPair } from './sessions';

/**
 * What a signed-in program can do to its account: the web's flows (same step-ups, limits,
 * notices and audit events), called with the API session as the owner.
 */
const owner = ({ session }: Caller) => ({
  userId: session.userId,
  email: session.email,
  sessionId: session.id,
  remember: session.remember,
});

/**
 * The role is read from the account on every call rather than from the session, which is cached
 * (lib/auth/session-cache.ts): a grant or revoke, from the command line too, shows at once.
 */
export async function me({ session }: Caller) {
  return {
    id: session.userId,
    email: session.email,
    emailVerified: session.emailVerified,
    mfaEnabled: session.mfaEnabled,
    roles: rolesHeld((await roleOf(session.userId)) ?? 'user'),
  };
}

export async function setUpTwoFactor(caller: Caller, password: string, ctx: RequestContext) {
  const result = await startTwoFactorSetup(owner(caller), password, ctx);
  if (!result.ok) return result;
  const { secret, uri, qrDataUrl } = result.enrollment;
  return { ok: true, setup: { otpauthUri: uri, qrCodeDataUrl: qrDataUrl, manualEntryKey: secret } } as const;
}

/** Like the web: every other session ends, and this one continues under new tokens. */
export async function turnOnTwoFactor(caller: Caller, code: string, ctx: RequestContext) {
  let tokens: TokenPair | undefined;
  const result = await enableTwoFactor(owner(caller), code, ctx, async () => {
    tokens = await startApiSession(caller.session.userId, ctx, true);
  });
  if (!result.ok) return result;
  if (!tokens) throw new Error('two-factor enabled without a continued session');
  const { accessToken, refreshToken, tokenType, expiresIn } = tokens;
  return {
    ok: true,
    body: { backupCodes: result.backupCodes, accessToken, refreshToken, tokenType, expiresIn },
  } as const;
}

export function turnOffTwoFactor(caller: Caller, password: string, code: string, ctx: RequestContext) {
  return disableTwoFactor(owner(caller), password, code, ctx);
}

export async function sessionsOf({ session }: Caller) {
  const list = await listActiveSessions(session.userId);
  const rows = list.map((s) => ({
    id: s.id,
    client: s.client,
    current: s.id === session.id,
    ipAddress: s.ipAddress,
    userAgent: s.userAgent,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
  }));
  return { sessions: [...rows.filter((r) => r.current), ...rows.filter((r) => !r.current)] };
}

/** End one of the account's sessions (this one too); false when no live one has that id. */
export async function endSession({ session }: Caller, id: string, ctx: RequestContext): Promise<boolean> {
  return (await db()).transaction(async (tx) => {
    if (!(await revokeUserSession(session.userId, id, tx))) return false;
    const type = id === session.id ? 'sign_out' : 'session_revoked';
    await recordEvent(type, ctx, {
      userId: session.userId,
      detail: type === 'sign_out' ? { client: 'api' } : { count: 1 },
      tx,
    });
    return true;
  });
}

export async function signOut(caller: Caller, ctx: RequestContext): Promise<void> {
  await (await db()).transaction(async (tx) => {
    if (await revokeSession(caller.session.id, tx)) {
      await recordEvent('sign_out', ctx, { userId: caller.session.userId, detail: { client: 'api' }, tx });
    }
  });
}

/** Every session of the account, this one and the browsers' too. */
export async function signOutEverywhere(caller: Caller, ctx: RequestContext): Promise<void> {
  await (await db()).transaction(async (tx) => {
    const count = await revokeOtherSessions(caller.session.userId, undefined, tx);
    if (count > 0) {
      await recordEvent('session_revoked', ctx, {
        userId: caller.session.userId,
        detail: { count, all: true },
        tx,
      });
    }
  });
}
