// Audit events expected vs found, read from the soak's own PostgreSQL after a phase has drained
// (no request in flight at either end of the window): per load account, the sign-ins and
// sign-outs the virtual users were told succeeded, the audit rows, and the session rows.
import type postgres from 'postgres';
import type { Load, LoadUser } from './load';

type Row = {
  email: string;
  success_rows: number;
  sessions_created: number;
  sign_out_rows: number;
  revoked_by_sign_out: number;
};

export type AuditFigures = { lines: string[]; mismatches: number };

const LISTED = 10;

/**
 * Mismatches, each counted once per missing or extra row: a sign_in_success without a session
 * (or a session without one), a sign_out row without a session revoked by signing out (or the
 * reverse), a sign-in the user was told succeeded with no sign_in_success row, a sign-out the
 * user was told succeeded with no sign_out row. Sessions ended by the 20-session cap (revoked at
 * the instant another was created) are not sign-outs.
 */
export async function auditCheck(
  sql: postgres.Sql,
  users: LoadUser[],
  load: Load,
  from: number,
  to: number,
): Promise<AuditFigures> {
  const emails = users.map((u) => u.account.email);
  const fromDate = new Date(from);
  const toDate = new Date(to);
  const rows = await sql<Row[]>`
    select u.email,
      (select count(*)::int from audit_events e where e.user_id = u.id and e.type = 'sign_in_success'
         and e.created_at >= ${fromDate} and e.created_at < ${toDate}) as success_rows,
      (select count(*)::int from sessions s where s.user_id = u.id
         and s.created_at >= ${fromDate} and s.created_at < ${toDate}) as sessions_created,
      (select count(*)::int from audit_events e where e.user_id = u.id and e.type = 'sign_out'
         and e.created_at >= ${fromDate} and e.created_at < ${toDate}) as sign_out_rows,
      (select count(*)::int from sessions s where s.user_id = u.id
         and s.revoked_at >= ${fromDate} and s.revoked_at < ${toDate}
         and not exists (select 1 from sessions n where n.user_id = s.user_id and n.created_at = s.revoked_at))
        as revoked_by_sign_out
    from users u where u.email = any(${emails})`;
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  const inWindow = <T extends { start: number }>(records: T[]) =>
    records.filter((r) => r.start >= from && r.start < to);
  const signIns = inWindow(load.signIns);
  const signOuts = inWindow(load.signOuts);
  const told = { signedIn: 0, signedOut: 0 };
  const found = { success: 0, sessions: 0, signOutRows: 0, revoked: 0 };
  const problems: string[] = [];
  let mismatches = 0;
  for (const user of users) {
    const row = byEmail.get(user.account.email);
    const signedIn = signIns.filter((s) => s.user === user.index && s.outcome === 'signed in').length;
    const signedOut = signOuts.filter((s) => s.user === user.index && s.ok).length;
    told.signedIn += signedIn;
    told.signedOut += signedOut;
    if (!row) {
      problems.push(`${user.account.email}: no account row`);
      mismatches += signedIn + signedOut;
      continue;
    }
    found.success += row.success_rows;
    found.sessions += row.sessions_created;
    found.signOutRows += row.sign_out_rows;
    found.revoked += row.revoked_by_sign_out;
    const issues: string[] = [];
    const note = (n: number, text: string) => {
      if (n <= 0) return;
      mismatches += n;
      issues.push(`${n} ${text}`);
    };
    note(row.success_rows - row.sessions_created, 'sign_in_success without a session');
    note(row.sessions_created - row.success_rows, 'session without a sign_in_success');
    note(row.sign_out_rows - row.revoked_by_sign_out, 'sign_out without a session revoked');
    note(row.revoked_by_sign_out - row.sign_out_rows, 'session revoked by sign-out without a sign_out row');
    note(signedIn - row.success_rows, 'sign-in answered as done without a sign_in_success row');
    note(signedOut - row.sign_out_rows, 'sign-out answered as done without a sign_out row');
    if (issues.length) {
      problems.push(
        `${user.account.email}: told signed in ${signedIn}, signed out ${signedOut}; rows: sign_in_success ` +
          `${row.success_rows}, sessions ${row.sessions_created}, sign_out ${row.sign_out_rows}, ` +
          `revoked by sign-out ${row.revoked_by_sign_out} → ${issues.join('; ')}`,
      );
    }
  }
  const unanswered = signIns.filter((s) => s.outcome.startsWith('no answer')).length;
  const lines = [
    `audit, expected vs found: sign-ins answered as done ${told.signedIn}; sign_in_success rows ` +
      `${found.success}; sessions created ${found.sessions}` +
      (unanswered ? ` (and ${unanswered} sign-ins whose answer never came)` : ''),
    `  sign-outs answered as done ${told.signedOut}; sign_out rows ${found.signOutRows}; sessions revoked by ` +
      `sign-out ${found.revoked}`,
    `  audit mismatches: ${mismatches}${problems.length ? ` on ${problems.length} accounts` : ''}`,
    ...problems.slice(0, LISTED).map((p) => `    ${p}`),
    ...(problems.length > LISTED ? [`    … and ${problems.length - LISTED} more accounts`] : []),
  ];
  return { lines, mismatches };
}
