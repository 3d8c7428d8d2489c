'use client';

import { ActionForm } from '@/components/action-form';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { loginSchema } from '@/lib/validation/auth';
import { benchSignInAction } from './actions';

/** The sign-in form's fields, posting to the bench's do-nothing action. */
export function BenchSignInForm() {
  const f = useActionForm(loginSchema, benchSignInAction);
  return (
    <ActionForm form={f}>
      <input type="hidden" defaultValue="/bench/dashboard" {...f.form.register('callbackUrl')} />
      <Field id="email" label="Email" type="email" required {...f.form.register('email')} />
      <Field id="password" label="Password" type="password" required {...f.form.register('password')} />
      <SubmitButton pending={f.pending} pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
    </ActionForm>
  );
}
