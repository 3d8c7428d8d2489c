'use client';

import Link from 'next/link';
import { useActionState, useEffect, useRef } from 'react';
import { Alert } from '@/components/ui/alert';
import { SubmitButton } from '@/components/ui/submit-button';
import { initialState } from '@/lib/action-state';
import { messages } from '@/lib/messages';
import { type UndoState, undoAction } from './actions';

const DONE: Record<'mfa_enabled' | 'email_change', string> = {
  mfa_enabled: 'Two-factor authentication is off again, and every session of your account was signed out.',
  email_change:
    'The address change was cancelled (your account uses this address), and every session of your account was signed out.',
};

/** A button, not an automatic GET: mail scanners open links and must not spend the token. */
export function UndoForm({ token, live }: { token: string; live: boolean }) {
  const [state, undo, pending] = useActionState<UndoState, FormData>(undoAction, initialState);
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.ok) doneRef.current?.focus();
  }, [state.ok]);
  if (state.ok && state.undone) {
    return (
      <div ref={doneRef} tabIndex={-1}>
        <Alert tone="success">{DONE[state.undone]}</Alert>
        {state.locked ? (
          <p>
            Your role requires two-factor authentication, so the account is now locked: nobody can sign in
            until an administrator unlocks it. Ask one to, then choose a new password:{' '}
            <Link href="/forgot-password">Reset your password</Link>
          </p>
        ) : (
          <p>
            Now choose a new password: <Link href="/forgot-password">Reset your password</Link>
          </p>
        )}
      </div>
    );
  }
  if (!live && !state.error) return <p role="alert">{messages.undoLinkInvalid}</p>;
  return (
    <form action={undo} className="form">
      {state.error ? <Alert>{state.error}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <SubmitButton pending={pending} pendingLabel="Securing your account…">
        Secure my account
      </SubmitButton>
    </form>
  );
}
