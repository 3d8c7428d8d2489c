'use client';

import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { Field } from '@/components/ui/field';
import { PasswordField } from '@/components/ui/password-field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { loginSchema } from '@/lib/validation/auth';
import { loginAction } from './actions';

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const f = useActionForm(loginSchema, loginAction);

  return (
    <ActionForm form={f}>
      <input type="hidden" defaultValue={callbackUrl} {...f.form.register('callbackUrl')} />
      <Field
        id="email"
        label="Email"
        type="email"
        autoComplete="username"
        inputMode="email"
        spellCheck={false}
        required
        defaultValue={f.state.values?.email}
        error={f.errorFor('email')}
        {...f.form.register('email')}
      />
      <PasswordField
        id="password"
        label="Password"
        autoComplete="current-password"
        required
        maxLength={512}
        error={f.errorFor('password')}
        {...f.form.register('password')}
      />
      <div className="checkbox">
        <input id="remember" type="checkbox" {...f.form.register('remember')} value="on" />
        <label htmlFor="remember">Remember me</label>
        <span className="muted small">(30 days on this device)</span>
      </div>
      <SubmitButton pending={f.pending} pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
      {/* After the button: the Tab order is the sign-in itself (email, password, remember, sign in),
          then the ways out. */}
      <p className="form-footer small">
        <Link href="/forgot-password">Forgot password?</Link>
      </p>
      <p className="form-footer">
        New here? <Link href="/register">Create an account</Link>
      </p>
    </ActionForm>
  );
}
