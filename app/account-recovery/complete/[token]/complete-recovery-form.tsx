'use client';

import { ActionForm } from '@/components/action-form';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { completeRecoverySchema } from '@/lib/validation/recovery';
import { completeRecoveryAction } from '../../actions';

export function CompleteRecoveryForm({ token, email }: { token: string; email: string }) {
  const f = useActionForm(completeRecoverySchema, completeRecoveryAction);
  return (
    <ActionForm form={f}>
      <input type="hidden" defaultValue={token} {...f.form.register('token')} />
      {/* For password managers: which account the password belongs to. */}
      <input type="email" hidden autoComplete="username" value={email} readOnly />
      <Field
        id="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        autoFocus
        maxLength={512}
        error={f.errorFor('password')}
        {...f.form.register('password')}
      />
      <SubmitButton pending={f.pending} pendingLabel="Recovering…">
        Complete recovery
      </SubmitButton>
    </ActionForm>
  );
}
