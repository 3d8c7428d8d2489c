import 'server-only';
import { sql } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { keyedHash } from '@/lib/crypto/keyed-hash';
import { db } from '@/lib/db/client';
import { knownNetworks } from '@/lib/db/schema';
import { sendSecurityNoticeLater } from '@/lib/email/notices';
import { ipNetwork } from '@/lib/http/ip-bucket';
import type { RequestContext } from '@/lib/http/request-context';
import { describeFailure } from '@/lib/log';

/**
 * New-device notices: a sign-in from a browser that has never signed in to the account (no
 * device cookie, ./device-cookie.ts) and from a network never seen for it mails the owner, who
 * otherwise learns of a stolen password only when something changes. Either one known is enough
 * to stay quiet: a new browser at home, or the usual laptop on a café's network, is the owner.
 *
 * Networks are kept as a keyed hash of the account and the network (IPv4 /24, IPv6 /64), never
 * the address: the table says "seen before" and nothing else, and cannot even show that two
 * accounts share a network.
 */
function networkKey(userId: string, ip: string): string {
  return keyedHash('known-network', `${userId}\u0000${ipNetwork(ip)}`);
}

/** How many networks an account keeps, and for how long one unused is remembered. */
export const KNOWN_NETWORKS_KEPT = 100;
export const KNOWN_NETWORK_DAYS = 365;

/**
 * Record that the account was used from this address's network; true when it was new. A new one
 * also forgets the account's networks unused for a year and any beyond the 100 used most
 * recently, so the table cannot grow without end (a forgotten network seen again is new again).
 */
export async function rememberNetwork(userId: string, ip: string): Promise<boolean> {
  const now = new Date();
  const at = now.toISOString();
  const statement = sql`
    insert into ${knownNetworks} (user_id, network, first_seen_at, last_seen_at)
    values (${userId}, ${networkKey(userId, ip)}, ${at}::timestamptz, ${at}::timestamptz)
    on conflict (user_id, network) do update set last_seen_at = excluded.last_seen_at
    returning (xmax = 0) as inserted`;
  // xmax is 0 on a row this statement inserted, the updating transaction's id on one it updated:
  // one round trip answers "was it new" without a read-then-write race.
  const result = await (await db()).execute(statement);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
    inserted: boolean;
  }[];
  const inserted = rows[0]?.inserted === true;
  if (inserted) {
    const cutoff = new Date(now.getTime() - KNOWN_NETWORK_DAYS * 86_400_000).toISOString();
    await (await db()).execute(sql`
      delete from ${knownNetworks}
      where user_id = ${userId}
        and (last_seen_at < ${cutoff}::timestamptz or network not in (
          select network from ${knownNetworks} where user_id = ${userId}
          order by last_seen_at desc, network limit ${KNOWN_NETWORKS_KEPT}))`);
  }
  return inserted;
}

/**
 * After a sign-in has happened (its session exists): remember the network, and when neither the
 * browser nor the network was known, write `new_device_sign_in` and mail the owner after the
 * response. Never fails the sign-in: a fault here is logged and costs only the notice.
 * Programs (the API) have no cookies: for them `knownBrowser` is false and the network decides.
 */
export async function noteSignIn(
  userId: string,
  ctx: RequestContext,
  { knownBrowser, client = 'web' }: { knownBrowser: boolean; client?: 'web' | 'api' },
): Promise<boolean> {
  try {
    const newNetwork = await rememberNetwork(userId, ctx.ip);
    if (knownBrowser || !newNetwork) return false;
    await recordEvent('new_device_sign_in', ctx, { userId, detail: { client } });
    sendSecurityNoticeLater(userId, { kind: 'new_device_sign_in' }, ctx);
    return true;
  } catch (error) {
    console.error('latchkey: new-device check failed:', describeFailure(error));
    return false;
  }
}
