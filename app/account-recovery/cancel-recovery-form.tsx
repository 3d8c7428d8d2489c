'use client';

import { useActionState, useEffect, useRef } from 'react';
import { Alert } from '@/components/ui/alert';
import { SubmitButton } from '@/components/ui/submit-button';
import { initialState } from '@/lib/action-state';
import { messages } from '@/lib/messages';
import { type CancelState, cancelRecoveryAction } from './actions';

/** A button, not an automatic GET: a mail scanner opening the link must not cancel the owner's recovery. */
export function CancelRecoveryForm({ token, live }: { token: string; live: boolean }) {
  const [state, cancel, pending] = useActionState<CancelState, FormData>(cancelRecoveryAction, initialState);
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.ok) doneRef.current?.focus();
  }, [state.ok]);
  if (state.ok && state.cancelled) {
    return (
      <div ref={doneRef} tabIndex={-1}>
        <Alert tone="success">{messages.recoveryCancelled}</Alert>
      </div>
    );
  }
  if (!live && !state.error) return <p role="alert">{messages.recoveryLinkInvalid}</p>;
  return (
    <form action={cancel} className="form">
      {state.error ? <Alert>{state.error}</Alert> : null}
      <input type="hidden" name="token" value={token} />
      <SubmitButton pending={pending} pendingLabel="Cancelling…">
        Cancel recovery
      </SubmitButton>
    </form>
  );
}
