import 'server-only';
import { and, asc, count, eq, ilike, isNotNull, sql } from 'drizzle-orm';
import { type AuditEventDTO, recentEvents } from '@/lib/audit';
import { listActiveSessions, type SessionListItem } from '@/lib/auth/sessions';
import { db } from '@/lib/db/client';
import { auditEvents, type Role, totpFactors, users } from '@/lib/db/schema';

/**
 * What the admin console reads about accounts: DTOs with the facts an administrator acts on,
 * never a password hash, a TOTP secret or a backup code. Callers check the role first
 * (./access.ts, and again in every action).
 */
export const USERS_PAGE_SIZE = 50;
/** Longer than any address (320): a search for more can match nothing. */
export const SEARCH_MAX = 320;

export type AdminUserRow = {
  id: string;
  email: string;
  role: Role;
  mfaEnabled: boolean;
  emailVerified: boolean;
  locked: boolean;
  lastSignInAt: Date | null;
};

export type UserSearch = {
  query: string;
  rows: AdminUserRow[];
  total: number;
  page: number;
  pageCount: number;
};

/** `%`, `_` and the escape character itself match literally (PostgreSQL's default escape is `\`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A page number from the query string: a whole number from 1, anything else is 1. */
export function pageNumber(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.max(1, n);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id as users.id holds them; anything else names no account (and never reaches the query). */
export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

const lastSignIn = sql<Date | string | null>`(
  select max(${auditEvents.createdAt}) from ${auditEvents}
  where ${auditEvents.userId} = ${users.id} and ${auditEvents.type} = 'sign_in_success'
)`;

const asDate = (value: Date | string | null): Date | null =>
  value === null ? null : value instanceof Date ? value : new Date(value);

/** The columns both the list and the single account read, with the enabled factor joined. */
const accountColumns = {
  id: users.id,
  email: users.email,
  role: users.role,
  createdAt: users.createdAt,
  emailVerifiedAt: users.emailVerifiedAt,
  lockedAt: users.lockedAt,
  mfaEnabledAt: totpFactors.enabledAt,
  lastSignInAt: lastSignIn,
};

const selectAccounts = (database: Awaited<ReturnType<typeof db>>) =>
  database
    .select(accountColumns)
    .from(users)
    .leftJoin(totpFactors, and(eq(totpFactors.userId, users.id), isNotNull(totpFactors.enabledAt)))
    .$dynamic();

type AccountRow = Awaited<ReturnType<ReturnType<typeof selectAccounts>['execute']>>[number];

function toAdminRow(r: AccountRow): AdminUserRow {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    mfaEnabled: r.mfaEnabledAt !== null,
    emailVerified: r.emailVerifiedAt !== null,
    locked: r.lockedAt !== null,
    lastSignInAt: asDate(r.lastSignInAt),
  };
}

/**
 * Accounts whose address contains `query` (any case; wildcards in it match themselves), by
 * address, one page at a time, with how many match in all.
 */
export async function searchUsers(rawQuery: string, page = 1): Promise<UserSearch> {
  const query = rawQuery.trim().toLowerCase().slice(0, SEARCH_MAX);
  const where = query ? ilike(users.email, `%${escapeLike(query)}%`) : undefined;
  const database = await db();
  const [counted] = await database.select({ n: count() }).from(users).where(where);
  const total = Number(counted?.n ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
  const current = Math.min(page, pageCount);
  const rows = await selectAccounts(database)
    .where(where)
    .orderBy(asc(users.email))
    .limit(USERS_PAGE_SIZE)
    .offset((current - 1) * USERS_PAGE_SIZE);
  return { query, total, page: current, pageCount, rows: rows.map(toAdminRow) };
}

export type AdminUserDetail = AdminUserRow & {
  createdAt: Date;
  lockedAt: Date | null;
  sessions: SessionListItem[];
  activity: AuditEventDTO[];
};

/** One account with its live sessions (web and API) and its recent security activity; null if none. */
export async function findUserForAdmin(id: unknown): Promise<AdminUserDetail | null> {
  if (!isUserId(id)) return null;
  const [row] = await selectAccounts(await db())
    .where(eq(users.id, id))
    .limit(1);
  if (!row) return null;
  const [sessions, activity] = await Promise.all([listActiveSessions(id), recentEvents(id, 30, 10)]);
  return {
    ...toAdminRow(row),
    createdAt: row.createdAt,
    lockedAt: row.lockedAt,
    sessions,
    activity,
  };
}
