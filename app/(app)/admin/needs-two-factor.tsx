import Link from 'next/link';
import { messages } from '@/lib/messages';

/** What an administrator without two-factor sees instead of anyone's data. */
export function NeedsTwoFactor() {
  return (
    <section className="card wide" aria-labelledby="admin-title">
      <h1 id="admin-title">Admin</h1>
      <p role="status">{messages.adminNeedsTwoFactor}</p>
      <p>
        <Link className="button" href="/settings/security?setup=1#mfa-title">
          Set up two-factor authentication
        </Link>
      </p>
    </section>
  );
}
