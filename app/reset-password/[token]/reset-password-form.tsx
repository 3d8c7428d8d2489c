'use client';

import Link from 'next/link';
import { ActionForm } from '@/components/action-form';
import { PasswordStrength, passwordCheck } from '@/components/password-strength';
import { AnyCodeField } from '@/components/ui/any-code-field';
import { PasswordField } from '@/components/ui/password-field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { resetPasswordSchema } from '@/lib/validation/reset';
import { resetPasswordAction } from './actions';

export function ResetPasswordForm({
  token,
  email,
  mfaRequired,
  appName,
}: {
  token: string;
  email: string;
  mfaRequired: boolean;
  appName: string;
}) {
  const f = useActionForm(resetPasswordSchema, resetPasswordAction, {
    check: passwordCheck('newPassword', () => ({ email, appName })),
  });
  const newPassword = f.form.watch('newPassword') ?? '';

  return (
    <ActionForm form={f}>
      <input type="hidden" defaultValue={token} {...f.form.register('token')} />
      {/* For password managers: which account the new password belongs to. */}
      <input type="email" hidden autoComplete="username" value={email} readOnly />
      <PasswordField
        id="newPassword"
        label="New password"
        autoComplete="new-password"
        required
        autoFocus
        minLength={12}
        maxLength={512}
        error={f.errorFor('newPassword')}
        hint={<PasswordStrength password={String(newPassword)} email={email} appName={appName} />}
        {...f.form.register('newPassword')}
      />
      {mfaRequired ? (
        <AnyCodeField
          id="code"
          hint="Two-factor authentication is on: a code from your authenticator app, or one of your backup codes."
          error={f.errorFor('code')}
          {...f.form.register('code')}
        />
      ) : null}
      <SubmitButton pending={f.pending} pendingLabel="Resetting password…">
        Reset password
      </SubmitButton>
      <p className="form-footer">
        Link not working? <Link href="/forgot-password">Ask for a new one</Link>
      </p>
    </ActionForm>
  );
}
