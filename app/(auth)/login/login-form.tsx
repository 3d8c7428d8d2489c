'use client';

import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { loginSchema } from '@/lib/validation/auth';
import { loginAction } from './actions';

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const { state, pending, form, onSubmit, formRef, alertRef, formAction, errorFor } = useActionForm(
    loginSchema,
    loginAction,
  );

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
      <input type="hidden" defaultValue={callbackUrl} {...form.register('callbackUrl')} />
      <Field
        id="email"
        label="Email"
        type="email"
        autoComplete="username"
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
        autoComplete="current-password"
        required
        maxLength={512}
        error={errorFor('password')}
        {...form.register('password')}
      />
      <div className="checkbox">
        <input id="remember" type="checkbox" {...form.register('remember')} value="on" />
        <label htmlFor="remember">Remember me</label>
        <span className="muted small">(30 days on this device)</span>
      </div>
      <SubmitButton pending={pending} pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
      <p className="form-footer">
        New here? <Link href="/register">Create an account</Link>
      </p>
    </form>
  );
}
