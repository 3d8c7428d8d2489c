'use client';

import { useEffect, useRef } from 'react';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { changeEmailSchema } from '@/lib/validation/account';
import { type ChangeEmailState, changeEmailAction } from './actions';

export function EmailPanel({
  email,
  verified,
  mfaEnabled,
}: {
  email: string;
  verified: boolean;
  mfaEnabled: boolean;
}) {
  const f = useActionForm(changeEmailSchema, changeEmailAction);
  const state = f.state as ChangeEmailState;
  const { form } = f;
  const doneRef = useRef<HTMLDivElement>(null);
  // On success the password and code are cleared (never kept around) and the news announced.
  useEffect(() => {
    if (state.ok) {
      form.reset();
      doneRef.current?.focus();
    }
  }, [state, form]);

  return (
    <section className="panel" aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      <p>
        Your address is <strong data-testid="account-email">{email}</strong>{' '}
        {verified ? '(verified).' : '(not verified yet).'}
      </p>
      {state.ok && state.sentTo ? (
        <div ref={doneRef} tabIndex={-1}>
          <Alert tone="success">
            We sent a link to {state.sentTo}. Your address changes when you open it (within 1 hour); until
            then nothing changes.
          </Alert>
        </div>
      ) : null}
      <ActionForm form={f} label="Change email">
        <Field
          id="newEmail"
          label="New email"
          type="email"
          autoComplete="email"
          spellCheck={false}
          required
          maxLength={254}
          defaultValue={state.values?.newEmail}
          error={f.errorFor('newEmail')}
          {...f.form.register('newEmail')}
        />
        <Field
          id="changeEmailPassword"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          error={f.errorFor('password')}
          {...f.form.register('password')}
        />
        {mfaEnabled ? (
          <Field
            id="changeEmailCode"
            label="Authentication code"
            autoComplete="one-time-code"
            spellCheck={false}
            maxLength={16}
            required
            className="code-input"
            hint="From your authenticator app, or one of your backup codes."
            error={f.errorFor('code')}
            {...f.form.register('code')}
          />
        ) : null}
        <SubmitButton pending={f.pending} pendingLabel="Sending link…">
          Change email
        </SubmitButton>
      </ActionForm>
    </section>
  );
}
