import type { ReactNode } from 'react';
import { getSession } from '@/lib/auth/dal';
import { MfaPolicyBanner } from './mfa-policy-banner';

/**
 * Every signed-in page: the two-factor policy's banner during its grace period. Display only:
 * each page checks its own session (requireSession), which also sends an account past the grace
 * period to the set-up. The frame is the same with or without the banner: turning two-factor on
 * removes it, and the page underneath (showing the new backup codes) must not be remounted.
 */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  const policy = session?.mfaPolicy;
  return (
    <div className="signed-in">
      {policy?.kind === 'grace' ? <MfaPolicyBanner until={policy.until} /> : null}
      {children}
    </div>
  );
}
