import { eq } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import { hashPassword } from '@/lib/auth/password';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, sessions, users } from '@/lib/db/schema';
import { createUser, type UserDTO } from '@/lib/db/users';
import { closeStore, ctx, uniqueEmail, waitForStore } from './helpers';

/**
 * Integration suites run against db() (in-memory PGlite, or PostgreSQL when DATABASE_URL is set)
 * and store() (in-process, or Redis when REDIS_URL is set). Open both once, close both after,
 * so the test process can exit.
 */
export function setupIntegration(): void {
  beforeAll(async () => {
    await db();
    await waitForStore();
  });
  afterAll(async () => {
    await closeDb();
    closeStore();
  });
}

export const PASSWORD = 'violet tractor umbrella 42';

/** An account with a real argon2id hash, created the way registration creates it. */
export async function makeUser(
  password = PASSWORD,
  email = uniqueEmail(),
): Promise<UserDTO & { password: string }> {
  const user = await createUser(email, await hashPassword(password), ctx());
  if (!user) throw new Error(`could not create ${email}`);
  return { ...user, password };
}

export async function userRow(email: string) {
  const [row] = await (await db()).select().from(users).where(eq(users.email, email));
  return row;
}

export async function usersWithEmail(email: string) {
  return (await db()).select().from(users).where(eq(users.email, email));
}

export async function sessionRow(id: string) {
  const [row] = await (await db()).select().from(sessions).where(eq(sessions.id, id));
  return row;
}

/** Every audit row written for requests from one address (each test uses its own address). */
export async function auditRowsFromIp(ip: string) {
  return (await db()).select().from(auditEvents).where(eq(auditEvents.ipAddress, ip));
}
