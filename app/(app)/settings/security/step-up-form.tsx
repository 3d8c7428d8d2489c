'use client';

import { useEffect } from 'react';
import { ActionForm } from '@/components/action-form';
import { AnyCodeField } from '@/components/ui/any-code-field';
import { PasswordField } from '@/components/ui/password-field';
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
  destructive = false,
  onDone,
  onCancel,
}: {
  id: string;
  action: (state: MfaActionState, formData: FormData) => Promise<MfaActionState>;
  submitLabel: string;
  pendingLabel: string;
  danger?: string;
  /** The final button of a change that takes protection away: red, not the primary blue. */
  destructive?: boolean;
  onDone: (state: MfaActionState) => void;
  onCancel: () => void;
}) {
  const f = useActionForm(stepUpSchema, action);
  const { state } = f;
  useEffect(() => {
    if (state.ok) onDone(state);
  }, [state, onDone]);
  return (
    <ActionForm form={f} className="form panel" label={submitLabel}>
      {danger ? <p>{danger}</p> : null}
      <PasswordField
        id={`${id}-password`}
        label="Password"
        autoComplete="current-password"
        required
        autoFocus
        error={f.errorFor('password')}
        {...f.form.register('password')}
      />
      <AnyCodeField id={`${id}-code`} error={f.errorFor('code')} {...f.form.register('code')} />
      <div className="actions">
        <SubmitButton
          pending={f.pending}
          pendingLabel={pendingLabel}
          variant={destructive ? 'danger' : 'primary'}
        >
          {submitLabel}
        </SubmitButton>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </ActionForm>
  );
}
