'use client';

import Link from 'next/link';
import { PasswordStrength } from '@/components/password-strength';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { registerSchema } from '@/lib/validation/auth';
import { registerAction } from './actions';

export function RegisterForm() {
  const { state, pending, form, onSubmit, formRef, alertRef, formAction, errorFor } = useActionForm(
    registerSchema,
    registerAction,
  );
  const password = form.watch('password') ?? '';
  const email = form.watch('email') ?? '';

  return (
    <form
      ref={formRef}
      action={formAction}
      onSubmit={onSubmit}
      noValidate
      className="form"
      aria-busy={pending}
    >
      {state.error ? (
        <div ref={alertRef} tabIndex={-1}>
          <Alert>{state.error}</Alert>
        </div>
      ) : null}
      <Field
        id="email"
        label="Email"
        type="email"
        autoComplete="email"
        inputMode="email"
        spellCheck={false}
        required
        defaultValue={state.values?.email}
        error={errorFor('email')}
        {...form.register('email')}
      />
      <Field
        id="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        maxLength={512}
        error={errorFor('password')}
        hint={<PasswordStrength password={String(password)} email={String(email)} />}
        {...form.register('password')}
      />
      <Field
        id="confirmPassword"
        label="Confirm password"
        type="password"
        autoComplete="new-password"
        required
        maxLength={512}
        error={errorFor('confirmPassword')}
        {...form.register('confirmPassword')}
      />
      <SubmitButton pending={pending} pendingLabel="Creating account…">
        Create account
      </SubmitButton>
      <p className="form-footer">
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </form>
  );
}
