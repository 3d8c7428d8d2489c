import 'server-only';
import { and, eq, isNotNull } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { auditEvents, totpFactors, users } from '@/lib/db/schema';
import type { RequestContext } from '@/lib/http/request-context';

/** What leaves lib/: never the password hash. */
export type UserDTO = { id: string; email: string; createdAt: Date };

/**
 * For password checks inside lib/ only: the hash never leaves it. Whether two-factor is on and
 * whether the account is locked come in the same query: a sign-in needs all three, and each round
 * trip is paid on every sign-in.
 */
export async function findCredentialsByEmail(
  email: string,
): Promise<{ id: string; passwordHash: string; mfaEnabled: boolean; locked: boolean } | null> {
  const database = await db();
  const [row] = await database
    .select({
      id: users.id,
      passwordHash: users.passwordHash,
      mfaEnabledAt: totpFactors.enabledAt,
      lockedAt: users.lockedAt,
    })
    .from(users)
    .leftJoin(totpFactors, and(eq(totpFactors.userId, users.id), isNotNull(totpFactors.enabledAt)))
    .where(eq(users.email, email))
    .limit(1);
  return row
    ? {
        id: row.id,
        passwordHash: row.passwordHash,
        mfaEnabled: row.mfaEnabledAt !== null,
        locked: row.lockedAt !== null,
      }
    : null;
}

/** For step-up checks inside lib/ only. */
export async function findPasswordHashById(userId: string): Promise<string | null> {
  const database = await db();
  const [row] = await database
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row?.passwordHash ?? null;
}

/** The account's current address and whether it was verified; null when there is no such account. */
export async function findAddressById(userId: string): Promise<{ email: string; verified: boolean } | null> {
  const database = await db();
  const [row] = await database
    .select({ email: users.email, verifiedAt: users.emailVerifiedAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row ? { email: row.email, verified: row.verifiedAt !== null } : null;
}

/** The account's current address, or null when there is no such account. */
export async function findEmailById(userId: string): Promise<string | null> {
  const database = await db();
  const [row] = await database
    .select({ email: users.email })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row?.email ?? null;
}

/**
 * Insert the user and its "registered" event in one transaction. Returns null when the email is
 * taken (the unique constraint decides, so two racing registrations cannot both win).
 */
export async function createUser(
  email: string,
  passwordHash: string,
  ctx: RequestContext,
): Promise<UserDTO | null> {
  const database = await db();
  return database.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({ email, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id, email: users.email, createdAt: users.createdAt });
    if (!user) return null;
    await tx.insert(auditEvents).values({
      type: 'registered',
      userId: user.id,
      ipAddress: ctx.ip,
      userAgent: ctx.userAgent,
      // The application's clock, as every audit event (lib/audit.ts), so they order as they happened.
      createdAt: new Date(),
    });
    return user;
  });
}
