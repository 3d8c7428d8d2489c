'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { SubmitButton } from '@/components/ui/submit-button';
import { initialState } from '@/lib/action-state';
import { type VerifyEmailState, verifyEmailAction } from './actions';

/**
 * A button, not an automatic GET: mail scanners and link previews open links, and must not
 * spend a one-time token on the person's behalf.
 */
export function VerifyEmailForm({ token }: { token: string }) {
  const [state, verify, pending] = useActionState<VerifyEmailState, FormData>(
    verifyEmailAction,
    initialState,
  );
  if (state.ok) {
    return (
      <>
        <Alert tone="success">
          {state.changedTo
            ? `Your email address is now ${state.changedTo}. Sign in with it from now on.`
            : 'Your email address is verified.'}
        </Alert>
        <p>
          <Link href="/dashboard">Go to your dashboard</Link>
        </p>
      </>
    );
  }
  return (
    <form action={verify} className="form">
      {state.error ? <Alert>{state.error}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <SubmitButton pending={pending} pendingLabel="Verifying…">
        Verify email address
      </SubmitButton>
    </form>
  );
}
