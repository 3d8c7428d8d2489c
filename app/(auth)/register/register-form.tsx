'use client';

import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { PasswordStrength, passwordCheck } from '@/components/password-strength';
import { Field } from '@/components/ui/field';
import { PasswordField } from '@/components/ui/password-field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { registerSchema } from '@/lib/validation/auth';
import { registerAction } from './actions';

export function RegisterForm({ appName }: { appName: string }) {
  const f = useActionForm(registerSchema, registerAction, {
    check: passwordCheck('password', (values) => ({ email: String(values.email ?? ''), appName })),
  });
  const password = f.form.watch('password') ?? '';
  const email = f.form.watch('email') ?? '';

  return (
    <ActionForm form={f}>
      <Field
        id="email"
        label="Email"
        type="email"
        autoComplete="email"
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
        autoComplete="new-password"
        required
        minLength={12}
        maxLength={512}
        error={f.errorFor('password')}
        hint={<PasswordStrength password={String(password)} email={String(email)} appName={appName} />}
        {...f.form.register('password')}
      />
      <PasswordField
        id="confirmPassword"
        label="Confirm password"
        autoComplete="new-password"
        required
        maxLength={512}
        error={f.errorFor('confirmPassword')}
        {...f.form.register('confirmPassword')}
      />
      <SubmitButton pending={f.pending} pendingLabel="Creating account…">
        Create account
      </SubmitButton>
      <p className="form-footer">
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </ActionForm>
  );
}
