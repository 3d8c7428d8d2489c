import { eq, type SQL, sql } from 'drizzle-orm';
import { vi } from 'vitest';
import { db } from '@/lib/db/client';
import { auditEvents, backupCodes, totpFactors } from '@/lib/db/schema';
import { currentTimeStep, generateTotp } from '@/lib/mfa/totp';
import { beginEnrollment, completeEnrollment } from '@/lib/mfa/totp-factor';
import { FIFTEEN_MINUTES } from './helpers';
import { makeUser } from './integration';

/**
 * Helpers for the two-factor suites. TOTP codes depend on the clock, so these suites freeze
 * `Date` (only Date: timers and I/O run normally) and move it between 30-second steps themselves.
 * Test files set MFA_ENCRYPTION_KEY (32 bytes, base64) in vi.hoisted, before the settings are read.
 */

export const STEP_MS = 30_000;
/** Where in a step the frozen clock sits: far from both edges. */
const INTO_STEP_MS = 10_000;

/**
 * Freeze Date 10 s into a 30-second step. `where` picks the step: the middle of the current
 * 15-minute rate-limit window (7.5 minutes of room either way), or just after the window starts
 * (for tests that check when a lock ends). Window boundaries are multiples of 30 s, so both are
 * step starts.
 */
export function freezeClock(where: 'mid-window' | 'window-start' = 'mid-window'): number {
  const windowStart = Math.floor(Date.now() / FIFTEEN_MINUTES) * FIFTEEN_MINUTES;
  const at = (where === 'mid-window' ? windowStart + FIFTEEN_MINUTES / 2 : windowStart) + INTO_STEP_MS;
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: false });
  vi.setSystemTime(at);
  return at;
}

/** The current (frozen) time step. */
export function nowStep(): number {
  return currentTimeStep(Date.now());
}

/** Move the frozen clock to `step`, 10 s into it. */
export function goToStep(step: number): void {
  vi.setSystemTime(step * STEP_MS + INTO_STEP_MS);
}

/** Move the frozen clock by whole steps (keeping the offset into the step). */
export function advanceSteps(n = 1): number {
  vi.setSystemTime(Date.now() + n * STEP_MS);
  return nowStep();
}

/** The code an authenticator shows during `step`. */
export function codeAt(secret: string, step: number): Promise<string> {
  return generateTotp(secret, step * STEP_MS);
}

/** The code an authenticator shows now (frozen clock). */
export function codeNow(secret: string): Promise<string> {
  return codeAt(secret, nowStep());
}

/** How far the suites move the clock after enrolling: the lock tests go 15 minutes on, and more. */
const HORIZON_STEPS = 40;

/**
 * Whether a secret shows one code at two steps up to 4 apart, anywhere from 4 steps before `step`
 * to HORIZON_STEPS after. A code counts for the latest step of the window (±1) it is valid in, so
 * such a repeat would turn "the next step's code" into a replay of the one just used, or a code
 * from outside the window (±2) into one inside it: about one new secret in 5,000 has one.
 */
export async function codesRepeatNear(secret: string, step = nowStep()): Promise<boolean> {
  const steps = Array.from({ length: HORIZON_STEPS + 9 }, (_, i) => step - 4 + i);
  const codes = await Promise.all(steps.map((s) => codeAt(secret, s)));
  return codes.some((code, i) => [1, 2, 3, 4].some((d) => code === codes[i + d]));
}

/** A pending enrollment, begun again until its secret's codes do not repeat near now. */
export async function cleanEnrollment(user: { id: string; email: string }) {
  for (;;) {
    const enrollment = await beginEnrollment(user.id, user.email);
    if (!enrollment) throw new Error('beginEnrollment refused the user');
    if (!(await codesRepeatNear(enrollment.secret))) return enrollment;
  }
}

/**
 * A well-formed 6-digit code that is valid for none of the steps around `step` (±2), so "wrong"
 * never means "accidentally right".
 */
export async function wrongCode(secret: string, step = nowStep()): Promise<string> {
  const near = new Set(await Promise.all([-2, -1, 0, 1, 2].map((d) => codeAt(secret, step + d))));
  for (let n = 0; ; n++) {
    const candidate = String(n * 111_111 + 13)
      .padStart(6, '0')
      .slice(-6);
    if (!near.has(candidate)) return candidate;
  }
}

/** The 10 backup codes the app shows: `XXXXX-XXXXX` in Crockford's base32. */
export const BACKUP_CODE_FORMAT = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

export type EnrolledUser = Awaited<ReturnType<typeof makeUser>> & {
  secret: string;
  backupCodes: string[];
  /** The time step whose code enabled two-factor (spent). */
  enrolledStep: number;
};

/**
 * A user with two-factor on, enrolled with the code of the current step; the clock is then moved
 * one step on, so `codeNow(secret)` is a fresh, spendable code.
 */
export async function enrolledUser(): Promise<EnrolledUser> {
  const user = await makeUser();
  const enrollment = await cleanEnrollment(user);
  const enrolledStep = nowStep();
  const codes = await completeEnrollment(user.id, await codeAt(enrollment.secret, enrolledStep));
  if (!codes) throw new Error('completeEnrollment refused the current code');
  advanceSteps(1);
  return { ...user, secret: enrollment.secret, backupCodes: codes, enrolledStep };
}

/** The raw totp_factors row of a user, as stored. */
export async function factorRow(userId: string) {
  const [row] = await (await db()).select().from(totpFactors).where(eq(totpFactors.userId, userId));
  return row;
}

/** The raw backup_codes rows of a user, as stored. */
export async function backupCodeRows(userId: string) {
  return (await db()).select().from(backupCodes).where(eq(backupCodes.userId, userId));
}

/** Overwrite the stored secret (to simulate corruption or a lost key). */
export async function setStoredSecret(userId: string, secretEncrypted: string): Promise<void> {
  await (await db()).update(totpFactors).set({ secretEncrypted }).where(eq(totpFactors.userId, userId));
}

/** Every audit row of one user. */
export async function auditRowsOfUser(userId: string) {
  return (await db()).select().from(auditEvents).where(eq(auditEvents.userId, userId));
}

/** A raw SQL query; PGlite answers `{ rows }`, postgres.js an array. */
export async function rawQuery<T>(query: SQL): Promise<T[]> {
  const result: unknown = await (await db()).execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Search every column of every row of every table (any schema but the system ones) for any of
 * `needles`, case-insensitively, through each row's text form. Returns "schema.table" for each
 * table where one appears.
 */
export async function tablesContaining(needles: string[]): Promise<string[]> {
  const tables = await rawQuery<{ table_schema: string; table_name: string }>(sql`
    select table_schema, table_name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`);
  if (tables.length === 0) throw new Error('no tables found: the dump query is broken');
  const hits: string[] = [];
  for (const { table_schema, table_name } of tables) {
    const table = sql`${sql.identifier(table_schema)}.${sql.identifier(table_name)}`;
    const anyNeedle = sql.join(
      needles.map((n) => sql`strpos(upper(t::text), ${n.toUpperCase()}) > 0`),
      sql` or `,
    );
    const [row] = await rawQuery<{ n: number | string }>(
      sql`select count(*) as n from ${table} as t where ${anyNeedle}`,
    );
    if (Number(row?.n) > 0) hits.push(`${table_schema}.${table_name}`);
  }
  return hits;
}

/** The tables the dump searched (to check the search itself covers the two-factor tables). */
export async function allTables(): Promise<string[]> {
  const tables = await rawQuery<{ table_schema: string; table_name: string }>(sql`
    select table_schema, table_name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`);
  return tables.map((t) => `${t.table_schema}.${t.table_name}`);
}
