import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LocalTime } from '@/components/ui/local-time';
import { currentAdmin } from '@/lib/admin/access';
import { findUserForAdmin } from '@/lib/admin/directory';
import { describeDevice, formatWhen } from '@/lib/format';
import { isMfaEnabled } from '@/lib/mfa/factors';
import { activityLabel } from '../../../settings/security/activity-labels';
import { NeedsTwoFactor } from '../../needs-two-factor';
import { AdminActions } from './admin-actions';

type Params = Promise<{ id: string }>;

export async function generateMetadata(): Promise<Metadata> {
  return (await currentAdmin()) ? { title: 'Account · Admin' } : {};
}

const when = (date: Date) => <LocalTime iso={date.toISOString()} utc={formatWhen(date)} />;

/**
 * One account, as an administrator sees it: its state, where it is signed in (web and API), its
 * security activity in the words its owner reads, and the actions. 404 for anyone who is not an
 * administrator, and for an id that names no account.
 */
export default async function AdminUserPage({ params }: { params: Params }) {
  const admin = await currentAdmin();
  if (!admin) notFound();
  if (!admin.mfaEnabled) return <NeedsTwoFactor />;
  const { id } = await params;
  const user = await findUserForAdmin(id);
  if (!user) notFound();
  const self = user.id === admin.userId;
  const adminMfa = self ? true : await isMfaEnabled(admin.userId);

  return (
    <div className="stack">
      <p>
        <Link href="/admin">Back to all accounts</Link>
      </p>
      <section className="card wide" aria-labelledby="user-title">
        <h1 id="user-title" style={{ overflowWrap: 'anywhere' }}>
          {user.email}
        </h1>
        <dl className="manual-entry" data-testid="admin-user-status">
          <div>
            <dt>Role</dt>
            <dd>{user.role === 'admin' ? 'Administrator' : 'User'}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>{user.lockedAt ? <>Locked since {when(user.lockedAt)}</> : 'Active (not locked)'}</dd>
          </div>
          <div>
            <dt>Two-factor authentication</dt>
            <dd>{user.mfaEnabled ? 'On' : 'Off'}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{user.emailVerified ? 'Verified' : 'Not verified'}</dd>
          </div>
          <div>
            <dt>Last sign-in</dt>
            <dd>{user.lastSignInAt ? when(user.lastSignInAt) : 'Never'}</dd>
          </div>
          <div>
            <dt>Account created</dt>
            <dd>{when(user.createdAt)}</dd>
          </div>
        </dl>
      </section>

      <section className="panel" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        {self ? (
          <p>
            This is your own account. Change it from{' '}
            <Link href="/settings/security">your security settings</Link>, not from the admin console.
          </p>
        ) : !adminMfa ? (
          <div className="alert alert-info" role="status">
            Administrator actions ask for your password and a code from your authenticator. Turn on two-factor
            authentication in <Link href="/settings/security">your security settings</Link> first.
          </div>
        ) : (
          <AdminActions userId={user.id} locked={user.locked} mfaEnabled={user.mfaEnabled} />
        )}
      </section>

      <section className="panel" aria-labelledby="user-sessions-title">
        <h2 id="user-sessions-title">Where they’re signed in</h2>
        {user.sessions.length === 0 ? (
          <p className="muted">No live sessions.</p>
        ) : (
          <ul data-testid="admin-user-sessions" className="list">
            {user.sessions.map((s) => (
              <li key={s.id}>
                <div>
                  <strong>{describeDevice(s.userAgent)}</strong>
                  {s.client === 'api' ? <span className="badge">API</span> : null}
                  <div className="muted small">
                    Signed in {when(s.createdAt)} · last active {when(s.lastSeenAt)} · IP address{' '}
                    {s.ipAddress ?? 'unknown'}
                  </div>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="user-activity-title">
        <h2 id="user-activity-title">Recent security activity</h2>
        <ol data-testid="admin-user-activity" className="list">
          {user.activity.map((e) => (
            <li key={e.id}>
              <div>
                <strong>{activityLabel(e)}</strong>
                <div className="muted small">
                  {when(e.createdAt)} · {describeDevice(e.userAgent)} · {e.ipAddress ?? 'unknown address'}
                </div>
              </div>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
