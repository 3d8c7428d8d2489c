import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { type AuditDetail, recordEvent } from '@/lib/audit';
import { db } from '@/lib/db/client';
import {
  accountRecoveries,
  auditEvents,
  knownNetworks,
  sessions,
  totpFactors,
  trustedDevices,
  users,
} from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';
import { mfaStatus } from '@/lib/mfa/factors';

/**
 * "Download my data" (GDPR art. 15 and 20): what the account holds about its owner, in a form a
 * person can read and a program can parse. Built field by field from explicit selections, never
 * by spreading a row, so a column added later (another hash, another secret) stays out until
 * someone decides it belongs here. Left out on purpose: the password hash, the authenticator
 * secret, backup-code hashes, session ids, email-link, recovery-link and trusted-device token
 * hashes, and the keyed hashes that name known networks (only their dates are given). Each is a credential or
 * derived from one, and a copy in a downloads folder must not be able to sign anyone in.
 */
export type AccountExport = {
  exportedAt: string;
  account: {
    email: string;
    emailVerifiedAt: string | null;
    createdAt: string;
    updatedAt: string;
    role: string;
    /** When an administrator locked the account; null when it is not locked. */
    lockedAt: string | null;
  };
  twoFactor: { enabled: boolean; enabledAt: string | null; backupCodesLeft: number };
  sessions: {
    createdAt: string;
    lastSeenAt: string;
    expiresAt: string;
    revokedAt: string | null;
    ipAddress: string | null;
    userAgent: string | null;
    remember: boolean;
    mfaVerified: boolean;
    /** The session that asked for this file. */
    current: boolean;
  }[];
  /** Browsers that skip the second step (Trust this device for 30 days). */
  trustedDevices: {
    userAgent: string | null;
    ipAddress: string | null;
    createdAt: string;
    lastUsedAt: string;
    expiresAt: string;
  }[];
  /** Account recoveries asked for (Lost your authenticator and backup codes?), and how each ended. */
  accountRecoveries: {
    createdAt: string;
    usableAt: string;
    expiresAt: string;
    endedAt: string | null;
    endReason: string | null;
  }[];
  /** Networks signed in from, known so that a sign-in from a new one is mailed: when, not which. */
  knownNetworks: { firstSeenAt: string; lastSeenAt: string }[];
  securityActivity: {
    type: string;
    ipAddress: string | null;
    userAgent: string | null;
    detail: AuditDetail;
    at: string;
  }[];
};

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** The account's data; null when the account no longer exists. */
export async function buildAccountExport(
  userId: string,
  currentSessionId: string | null,
  now: Date = new Date(),
): Promise<AccountExport | null> {
  const database = await db();
  const [account] = await database
    .select({
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      createdAt: users.createdAt,
      updatedAt: users.updatedAt,
      role: users.role,
      lockedAt: users.lockedAt,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!account) return null;

  // Only the date: the factor's other columns are its secret and its replay guard.
  const [status, [factor], sessionRows, eventRows, deviceRows, recoveryRows, networkRows] = await Promise.all(
    [
      mfaStatus(userId),
      database
        .select({ enabledAt: totpFactors.enabledAt })
        .from(totpFactors)
        .where(eq(totpFactors.userId, userId)),
      database
        .select({
          id: sessions.id,
          createdAt: sessions.createdAt,
          lastSeenAt: sessions.lastSeenAt,
          expiresAt: sessions.expiresAt,
          revokedAt: sessions.revokedAt,
          ipAddress: sessions.ipAddress,
          userAgent: sessions.userAgent,
          remember: sessions.remember,
          mfaVerified: sessions.mfaVerified,
        })
        .from(sessions)
        .where(eq(sessions.userId, userId))
        .orderBy(asc(sessions.createdAt)),
      database
        .select({
          type: auditEvents.type,
          ipAddress: auditEvents.ipAddress,
          userAgent: auditEvents.userAgent,
          detail: auditEvents.detail,
          createdAt: auditEvents.createdAt,
        })
        .from(auditEvents)
        .where(eq(auditEvents.userId, userId))
        .orderBy(asc(auditEvents.createdAt)),
      database
        .select({
          userAgent: trustedDevices.userAgent,
          ipAddress: trustedDevices.ipAddress,
          createdAt: trustedDevices.createdAt,
          lastUsedAt: trustedDevices.lastUsedAt,
          expiresAt: trustedDevices.expiresAt,
        })
        .from(trustedDevices)
        .where(eq(trustedDevices.userId, userId))
        .orderBy(asc(trustedDevices.createdAt)),
      database
        .select({
          createdAt: accountRecoveries.createdAt,
          usableAt: accountRecoveries.usableAt,
          expiresAt: accountRecoveries.expiresAt,
          endedAt: accountRecoveries.endedAt,
          endReason: accountRecoveries.endReason,
        })
        .from(accountRecoveries)
        .where(eq(accountRecoveries.userId, userId))
        .orderBy(asc(accountRecoveries.createdAt)),
      database
        .select({ firstSeenAt: knownNetworks.firstSeenAt, lastSeenAt: knownNetworks.lastSeenAt })
        .from(knownNetworks)
        .where(eq(knownNetworks.userId, userId))
        .orderBy(asc(knownNetworks.firstSeenAt)),
    ],
  );

  return {
    exportedAt: iso(now),
    account: {
      email: account.email,
      emailVerifiedAt: isoOrNull(account.emailVerifiedAt),
      createdAt: iso(account.createdAt),
      updatedAt: iso(account.updatedAt),
      role: account.role,
      lockedAt: isoOrNull(account.lockedAt),
    },
    twoFactor: {
      enabled: status.enabled,
      enabledAt: status.enabled ? isoOrNull(factor?.enabledAt ?? null) : null,
      backupCodesLeft: status.backupCodesLeft,
    },
    // The id is compared here and dropped: it is the hash of a live cookie's token.
    sessions: sessionRows.map(({ id, ...s }) => ({
      createdAt: iso(s.createdAt),
      lastSeenAt: iso(s.lastSeenAt),
      expiresAt: iso(s.expiresAt),
      revokedAt: isoOrNull(s.revokedAt),
      ipAddress: s.ipAddress,
      userAgent: s.userAgent,
      remember: s.remember,
      mfaVerified: s.mfaVerified,
      current: id === currentSessionId,
    })),
    trustedDevices: deviceRows.map((d) => ({
      userAgent: d.userAgent,
      ipAddress: d.ipAddress,
      createdAt: iso(d.createdAt),
      lastUsedAt: iso(d.lastUsedAt),
      expiresAt: iso(d.expiresAt),
    })),
    accountRecoveries: recoveryRows.map((r) => ({
      createdAt: iso(r.createdAt),
      usableAt: iso(r.usableAt),
      expiresAt: iso(r.expiresAt),
      endedAt: isoOrNull(r.endedAt),
      endReason: r.endReason,
    })),
    knownNetworks: networkRows.map((n) => ({
      firstSeenAt: iso(n.firstSeenAt),
      lastSeenAt: iso(n.lastSeenAt),
    })),
    securityActivity: eventRows.map((e) => ({
      type: e.type,
      ipAddress: e.ipAddress,
      userAgent: e.userAgent,
      detail: e.detail,
      at: iso(e.createdAt),
    })),
  };
}

export function exportFilename(exportedAt: string): string {
  return `latchkey-data-${exportedAt.slice(0, 10)}.json`;
}

/**
 * The export for a signed-in session, recorded as `data_exported` once it is built (a failed
 * build exported nothing). Null when the account is gone.
 */
export async function exportAccountData(
  session: { userId: string; id: string },
  ctx: RequestContext,
): Promise<{ filename: string; data: AccountExport } | null> {
  const data = await buildAccountExport(session.userId, session.id);
  if (!data) return null;
  await recordEvent('data_exported', ctx, { userId: session.userId });
  return { filename: exportFilename(data.exportedAt), data };
}
