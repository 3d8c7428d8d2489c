import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { readChallengeCookie } from '@/lib/auth/challenge-cookie';
import { findEmailById } from '@/lib/db/users';
import { tooManyAttempts } from '@/lib/messages';
import { readChallenge } from '@/lib/mfa/challenge';
import { secondFactorLockedUntil } from '@/lib/rate-limit/second-factor-lock';
import { VerifyForm } from './verify-form';

export const metadata: Metadata = { title: 'Two-factor authentication' };

export default async function VerifyPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Only reachable with a live challenge from the password step.
  const challenge = await readChallenge(await readChallengeCookie());
  if (!challenge) redirect('/login?notice=mfa-expired');
  const params = await searchParams;
  // Whose sign-in this is (the password step was passed, so the address is no secret here), and a
  // lock from earlier wrong codes said on arrival rather than after the next code is typed.
  const [email, lockedUntil] = await Promise.all([
    findEmailById(challenge.userId),
    secondFactorLockedUntil(challenge.userId),
  ]);
  return (
    <section className="card" aria-labelledby="verify-title">
      <h1 id="verify-title">Two-factor authentication</h1>
      {email ? <p className="muted">Signing in as {email}</p> : null}
      {lockedUntil ? <Alert>{tooManyAttempts(lockedUntil)}</Alert> : null}
      <VerifyForm
        callbackUrl={safeCallbackUrl(params.callbackUrl)}
        initialMode={params.method === 'backup' ? 'backup' : 'totp'}
      />
    </section>
  );
}
