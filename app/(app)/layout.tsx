import type { ReactNode } from 'react';
import { getSession } from '@/lib/auth/dal';
import { MfaPolicyBanner } from './mfa-policy-banner';

/**
 * Every signed-in page: the two-factor policy's banner during its grace period. Display only:
 * each page checks its own session (requireSession), which also sends an account past the grace
 * period to the set-up.
 */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (session?.mfaPolicy.kind !== 'grace') return children;
  return (
    <div className="stack">
      <MfaPolicyBanner until={session.mfaPolicy.until} />
      {children}
    </div>
  );
}
