'use client';

import { useEffect } from 'react';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { stepUpSchema } from '@/lib/validation/mfa';
import type { MfaActionState } from './actions';

/** Password and a current code, asked again before the second factor itself changes. */
export function StepUpForm({
  id,
  action,
  submitLabel,
  pendingLabel,
  danger,
  onDone,
  onCancel,
}: {
  id: string;
  action: (state: MfaActionState, formData: FormData) => Promise<MfaActionState>;
  submitLabel: string;
  pendingLabel: string;
  danger?: string;
  onDone: (state: MfaActionState) => void;
  onCancel: () => void;
}) {
  const { state, pending, form, onSubmit, formRef, alertRef, formAction, errorFor } = useActionForm(
    stepUpSchema,
    action,
  );
  useEffect(() => {
    if (state.ok) onDone(state as MfaActionState);
  }, [state, onDone]);
  return (
    <form
      ref={formRef}
      action={formAction}
      onSubmit={onSubmit}
      noValidate
      className="form panel"
      aria-busy={pending}
      aria-label={submitLabel}
    >
      {danger ? <p>{danger}</p> : null}
      {state.error ? (
        <div ref={alertRef} tabIndex={-1}>
          <Alert>{state.error}</Alert>
        </div>
      ) : null}
      <Field
        id={`${id}-password`}
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        autoFocus
        error={errorFor('password')}
        {...form.register('password')}
      />
      <Field
        id={`${id}-code`}
        label="Authentication code"
        autoComplete="one-time-code"
        spellCheck={false}
        maxLength={16}
        required
        className="code-input"
        hint="From your authenticator app, or one of your backup codes."
        error={errorFor('code')}
        {...form.register('code')}
      />
      <div className="actions">
        <SubmitButton pending={pending} pendingLabel={pendingLabel}>
          {submitLabel}
        </SubmitButton>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
