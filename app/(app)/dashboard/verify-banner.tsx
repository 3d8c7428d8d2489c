'use client';

import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { SubmitButton } from '@/components/ui/submit-button';
import { initialState } from '@/lib/action-state';
import { resendVerificationAction } from './actions';

export function VerifyBanner({ email }: { email: string }) {
  const [state, resend, pending] = useActionState(resendVerificationAction, initialState);
  return (
    <section className="panel highlight" aria-labelledby="verify-title">
      <h2 id="verify-title">Verify your email address</h2>
      <p>
        We sent a link to <strong>{email}</strong>. Open it to confirm the address is yours; you need it to
        recover your account.
      </p>
      {state.error ? <Alert>{state.error}</Alert> : null}
      {state.ok ? (
        <Alert tone="success">A new link is on its way. Earlier links no longer work.</Alert>
      ) : null}
      <form action={resend}>
        <SubmitButton pending={pending} pendingLabel="Sending…" variant="secondary">
          Resend verification email
        </SubmitButton>
      </form>
    </section>
  );
}
