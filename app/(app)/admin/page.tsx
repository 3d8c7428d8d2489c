import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LocalTime } from '@/components/ui/local-time';
import { currentAdmin } from '@/lib/admin/access';
import { pageNumber, SEARCH_MAX, searchUsers, USERS_PAGE_SIZE } from '@/lib/admin/directory';
import { formatWhen } from '@/lib/format';
import { NeedsTwoFactor } from './needs-two-factor';

type Params = Promise<Record<string, string | string[] | undefined>>;

// Titled only for administrators: for anyone else this is the ordinary 404, title included.
export async function generateMetadata(): Promise<Metadata> {
  return (await currentAdmin()) ? { title: 'Admin' } : {};
}

function pageHref(query: string, page: number): string {
  const params = new URLSearchParams();
  if (query) params.set('q', query);
  if (page > 1) params.set('page', String(page));
  const search = params.toString();
  return search ? `/admin?${search}` : '/admin';
}

/**
 * The admin console: every account, searchable by address, 50 a page. A GET form, so searching
 * and paging work without JavaScript and a search can be linked to.
 */
export default async function AdminPage({ searchParams }: { searchParams: Params }) {
  const admin = await currentAdmin();
  if (!admin) notFound();
  if (!admin.mfaEnabled) return <NeedsTwoFactor />;
  const params = await searchParams;
  const q = typeof params.q === 'string' ? params.q : '';
  const result = await searchUsers(q, pageNumber(params.page));
  const first = (result.page - 1) * USERS_PAGE_SIZE + 1;
  const last = first + result.rows.length - 1;
  const counted =
    result.total === 0
      ? result.query
        ? `No accounts match “${result.query}”.`
        : 'No accounts yet.'
      : `${result.total} account${result.total === 1 ? '' : 's'}${result.query ? ` match “${result.query}”` : ''}` +
        (result.pageCount > 1 ? `; showing ${first}–${last}.` : '.');
  return (
    <div className="stack">
      <section className="card wide" aria-labelledby="admin-title">
        <h1 id="admin-title">Admin</h1>
        <p className="muted">
          Signed in as {admin.email}, an administrator. Every action on an account asks for your password and
          a code, and shows in that person’s own security activity.
        </p>
        <search>
          <form method="get" action="/admin" className="form">
            <div className="field">
              <label htmlFor="admin-search">Search users</label>
              <input
                id="admin-search"
                name="q"
                type="search"
                defaultValue={result.query}
                maxLength={SEARCH_MAX}
                autoComplete="off"
                spellCheck={false}
                aria-describedby="admin-search-hint"
              />
              <p id="admin-search-hint" className="field-hint">
                Part of an email address, in any case.
              </p>
            </div>
            <div className="actions">
              <button type="submit" className="button button-primary">
                Search
              </button>
              {result.query ? (
                <Link href="/admin" className="button button-secondary">
                  Show all
                </Link>
              ) : null}
            </div>
          </form>
        </search>
        <p id="admin-count">{counted}</p>
        <ul data-testid="admin-users" className="list" aria-labelledby="admin-count">
          {result.rows.map((u) => (
            <li key={u.id}>
              <div>
                <Link href={`/admin/users/${u.id}`}>
                  <strong>{u.email}</strong>
                </Link>
                {u.role === 'admin' ? <span className="badge">Administrator</span> : null}
                {u.locked ? <span className="badge badge-danger">Locked</span> : null}
                <div className="muted small">
                  Two-factor {u.mfaEnabled ? 'on' : 'off'} · Email{' '}
                  {u.emailVerified ? 'verified' : 'not verified'} · {u.locked ? 'Locked' : 'Not locked'} ·
                  Last sign-in{' '}
                  {u.lastSignInAt ? (
                    <LocalTime iso={u.lastSignInAt.toISOString()} utc={formatWhen(u.lastSignInAt)} />
                  ) : (
                    'never'
                  )}
                </div>
              </div>
            </li>
          ))}
        </ul>
        {result.pageCount > 1 ? (
          <nav aria-label="Pages" className="actions">
            {result.page > 1 ? (
              <Link className="button button-secondary" href={pageHref(result.query, result.page - 1)}>
                Previous page
              </Link>
            ) : null}
            <span className="muted small">
              Page {result.page} of {result.pageCount}
            </span>
            {result.page < result.pageCount ? (
              <Link className="button button-secondary" href={pageHref(result.query, result.page + 1)}>
                Next page
              </Link>
            ) : null}
          </nav>
        ) : null}
        <p>
          <Link href="/dashboard">Back to the dashboard</Link>
        </p>
      </section>
    </div>
  );
}
