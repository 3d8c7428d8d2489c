import 'server-only';
import type { AuditDetail } from '@/lib/audit';
import type { RequestContext } from '@/lib/http/request-context';
import { knownDevice, rememberDevice } from './device-cookie';
import { noteSignIn } from './new-device';
import { startSession } from './session-cookie';
import { trustThisDevice } from './trusted-devices';

/**
 * The end of every browser sign-in that passed all its checks (the password, and the second
 * step or a trusted device): the session, the device's trust when asked for, the browser
 * remembered for the account, and the new-device check. Whether the browser was known is read
 * before it is remembered: remembering it is part of this sign-in, so the password step alone
 * (a right password, then no code) never makes a browser known to the account.
 */
export async function completeWebSignIn(
  user: { id: string; email: string | null },
  options: { remember: boolean; mfaVerified: boolean; signIn: AuditDetail; trust?: boolean },
  ctx: RequestContext,
): Promise<void> {
  const knownBrowser = user.email ? (await knownDevice(user.email)) !== null : false;
  await startSession(user.id, options.remember, ctx, options.mfaVerified, options.signIn);
  if (options.trust) await trustThisDevice(user.id, ctx);
  if (user.email) await rememberDevice(user.email);
  await noteSignIn(user.id, ctx, { knownBrowser });
}
