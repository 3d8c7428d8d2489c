'use client';

import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { messages } from '@/lib/messages';
import { accountRecoverySchema } from '@/lib/validation/recovery';
import { accountRecoveryAction } from './actions';

export function AccountRecoveryForm() {
  const f = useActionForm(accountRecoverySchema, accountRecoveryAction);
  const doneRef = useRef<HTMLDivElement>(null);
  const { state } = f;
  // The confirmation appears above the form: move focus there so it is read out.
  useEffect(() => {
    if (state.ok) doneRef.current?.focus();
  }, [state]);

  return (
    <>
      {state.ok ? (
        <div ref={doneRef} tabIndex={-1}>
          <Alert tone="success">{messages.recoveryRequested}</Alert>
        </div>
      ) : null}
      <ActionForm form={f}>
        <Field
          id="email"
          label="Email"
          type="email"
          autoComplete="username"
          inputMode="email"
          spellCheck={false}
          required
          autoFocus
          defaultValue={state.values?.email}
          error={f.errorFor('email')}
          {...f.form.register('email')}
        />
        <SubmitButton pending={f.pending} pendingLabel="Sending…">
          Send recovery link
        </SubmitButton>
        <p className="form-footer">
          Found your phone or a backup code? <Link href="/login">Sign in</Link>
        </p>
      </ActionForm>
    </>
  );
}
