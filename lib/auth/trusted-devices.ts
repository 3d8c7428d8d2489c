import 'server-only';
import { and, desc, eq, gt, lte, notInArray, or, sql } from 'drizzle-orm';
import { recordEvent } from '@/lib/audit';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import { type Db, db } from '@/lib/db/client';
import { totpFactors, trustedDevices } from '@/lib/db/schema';
import { sendSecurityNoticeLater } from '@/lib/email/notices';
import type { RequestContext } from '@/lib/http/request-context';
import {
  clearTrustedDeviceCookie,
  readTrustedDeviceCookie,
  setTrustedDeviceCookie,
  TRUSTED_DEVICE_MAX_AGE_S,
} from './trusted-device-cookie';

/**
 * "Trust this device for 30 days": after a passed second step, this browser skips the second
 * step (never the password) for that account until `expires_at`, fixed when it was trusted and
 * never moved by use, so one trust cannot be kept alive forever. The browser holds a random
 * 256-bit token (./trusted-device-cookie.ts); the table holds only its SHA-256, bound to the
 * account, so a database dump holds nothing to replay and a token is worth nothing for any
 * other account. Trust only stands in for a second factor: without two-factor on it is ignored,
 * and every event that says "someone else may have been in" (a new password, two-factor off,
 * signing out everywhere, a recovery) removes all of it.
 */
export const TRUST_MS = TRUSTED_DEVICE_MAX_AGE_S * 1000;
/** Trusted devices an account may have at once: beyond it the oldest go (as sessions do). */
export const MAX_TRUSTED_DEVICES = 20;

/** Trust this browser for `userId` (the second step just passed): the row, its event, its cookie. */
export async function trustThisDevice(userId: string, ctx: RequestContext): Promise<void> {
  const token = randomToken();
  const now = new Date();
  await (await db()).transaction(async (tx) => {
    await tx.insert(trustedDevices).values({
      id: hashToken(token),
      userId,
      userAgent: ctx.userAgent,
      ipAddress: ctx.ip,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + TRUST_MS),
    });
    // Expired ones, and live ones beyond the cap (the oldest): the list stays short and true.
    const keep = tx
      .select({ id: trustedDevices.id })
      .from(trustedDevices)
      .where(and(eq(trustedDevices.userId, userId), gt(trustedDevices.expiresAt, now)))
      .orderBy(desc(trustedDevices.createdAt), desc(trustedDevices.id))
      .limit(MAX_TRUSTED_DEVICES);
    await tx
      .delete(trustedDevices)
      .where(
        and(
          eq(trustedDevices.userId, userId),
          or(lte(trustedDevices.expiresAt, now), notInArray(trustedDevices.id, keep)),
        ),
      );
    await recordEvent('trusted_device_added', ctx, { userId, tx });
  });
  await setTrustedDeviceCookie(userId, token);
  sendSecurityNoticeLater(userId, { kind: 'device_trusted' }, ctx);
}

/**
 * Whether this browser may skip the second step for `userId`, whose password was just checked:
 * it holds a token of that account's, not expired, and the account has two-factor on. One
 * conditional UPDATE answers and records the use (last_used_at; expires_at untouched). A cookie
 * that answers no is cleared, so the browser stops sending it.
 */
export async function trustedDeviceSkipsSecondStep(userId: string): Promise<boolean> {
  const token = await readTrustedDeviceCookie(userId);
  if (!token) return false;
  const used = await checkTrustedDevice(userId, token);
  if (!used) await clearTrustedDeviceCookie(userId);
  return used;
}

/** The check itself, by token (the cookie's value). */
export async function checkTrustedDevice(userId: string, token: string): Promise<boolean> {
  const now = new Date();
  const used = await (await db())
    .update(trustedDevices)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(trustedDevices.id, hashToken(token)),
        eq(trustedDevices.userId, userId),
        gt(trustedDevices.expiresAt, now),
        // Trust stands in for a second factor only while there is one.
        sql`exists (select 1 from ${totpFactors} where ${totpFactors.userId} = ${userId} and ${totpFactors.enabledAt} is not null)`,
      ),
    )
    .returning({ id: trustedDevices.id });
  return used.length > 0;
}

export type TrustedDeviceItem = {
  /** SHA-256 of the browser's token: safe to show and to use as a handle. */
  id: string;
  userAgent: string | null;
  ipAddress: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
};

/** The account's live trusted devices, most recently used first. */
export async function listTrustedDevices(userId: string): Promise<TrustedDeviceItem[]> {
  return (await db())
    .select({
      id: trustedDevices.id,
      userAgent: trustedDevices.userAgent,
      ipAddress: trustedDevices.ipAddress,
      createdAt: trustedDevices.createdAt,
      lastUsedAt: trustedDevices.lastUsedAt,
      expiresAt: trustedDevices.expiresAt,
    })
    .from(trustedDevices)
    .where(and(eq(trustedDevices.userId, userId), gt(trustedDevices.expiresAt, new Date())))
    .orderBy(desc(trustedDevices.lastUsedAt), desc(trustedDevices.id));
}

/** Remove one trusted device of this user (a user can only ever remove their own); audited. */
export async function removeTrustedDevice(userId: string, id: string, ctx: RequestContext): Promise<boolean> {
  return (await db()).transaction(async (tx) => {
    const removed = await tx
      .delete(trustedDevices)
      .where(and(eq(trustedDevices.id, id), eq(trustedDevices.userId, userId)))
      .returning({ id: trustedDevices.id });
    if (removed.length === 0) return false;
    await recordEvent('trusted_device_removed', ctx, { userId, detail: { count: 1, reason: 'removed' }, tx });
    return true;
  });
}

/** Why every trusted device of an account went: words in the activity list (activity-labels.ts). */
export type RemovalReason =
  | 'removed_all'
  | 'password_changed'
  | 'password_reset'
  | 'mfa_disabled'
  | 'signed_out_everywhere'
  | 'account_recovered'
  | 'change_undone'
  | 'admin_mfa_reset'
  | 'admin_signed_out_everywhere'
  | 'account_locked';

/**
 * Remove every trusted device of the account, inside the caller's transaction when given (so they
 * go with the change that calls for it, or not at all). With `audit`, a `trusted_device_removed`
 * event (count and reason) is written in the same place when there were any.
 */
export async function removeAllTrustedDevices(
  userId: string,
  tx?: Db,
  audit?: { ctx: RequestContext; reason: RemovalReason },
): Promise<number> {
  // The removal and its event commit together: in the caller's transaction, or in one of their own.
  if (!tx && audit) return (await db()).transaction((t) => removeAllTrustedDevices(userId, t, audit));
  const database = tx ?? (await db());
  const removed = await database
    .delete(trustedDevices)
    .where(eq(trustedDevices.userId, userId))
    .returning({ expiresAt: trustedDevices.expiresAt });
  // Expired rows go too, but only live ones were still trusting anything: they are the count.
  const now = Date.now();
  const count = removed.filter((r) => r.expiresAt.getTime() > now).length;
  if (count > 0 && audit) {
    await recordEvent('trusted_device_removed', audit.ctx, {
      userId,
      detail: { count, reason: audit.reason },
      tx: database,
    });
  }
  return count;
}
