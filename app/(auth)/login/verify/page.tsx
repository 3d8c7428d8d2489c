import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { readChallengeCookie } from '@/lib/auth/challenge-cookie';
import { readChallenge } from '@/lib/mfa/challenge';
import { VerifyForm } from './verify-form';

export const metadata: Metadata = { title: 'Two-factor authentication' };

export default async function VerifyPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Only reachable with a live challenge from the password step.
  if (!(await readChallenge(await readChallengeCookie()))) redirect('/login?notice=mfa-expired');
  const params = await searchParams;
  return (
    <section className="card" aria-labelledby="verify-title">
      <h1 id="verify-title">Two-factor authentication</h1>
      <VerifyForm
        callbackUrl={safeCallbackUrl(params.callbackUrl)}
        initialMode={params.method === 'backup' ? 'backup' : 'totp'}
      />
    </section>
  );
}
