'use client';

import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { messages } from '@/lib/messages';
import { forgotPasswordSchema } from '@/lib/validation/reset';
import { forgotPasswordAction } from './actions';

export function ForgotPasswordForm() {
  const f = useActionForm(forgotPasswordSchema, forgotPasswordAction);
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
          <Alert tone="success">{messages.resetRequested}</Alert>
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
          Send reset link
        </SubmitButton>
        <p className="form-footer">
          Remembered it? <Link href="/login">Sign in</Link>
        </p>
      </ActionForm>
    </>
  );
}
