'use client';

import { useEffect, useRef } from 'react';
import { ActionForm } from '@/components/action-form';
import { PasswordStrength, passwordCheck } from '@/components/password-strength';
import { Alert } from '@/components/ui/alert';
import { PasswordField } from '@/components/ui/password-field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { messages } from '@/lib/messages';
import { changePasswordSchema } from '@/lib/validation/account';
import { changePasswordAction } from './actions';

export function PasswordPanel({ email, appName }: { email: string; appName: string }) {
  const f = useActionForm(changePasswordSchema, changePasswordAction, {
    check: passwordCheck('newPassword', () => ({ email, appName })),
  });
  const newPassword = f.form.watch('newPassword') ?? '';
  const doneRef = useRef<HTMLDivElement>(null);
  const { state, form } = f;
  // On success, clear both fields (never keep a password around) and announce it.
  useEffect(() => {
    if (state.ok) {
      form.reset();
      doneRef.current?.focus();
    }
  }, [state, form]);

  return (
    <section className="panel" aria-labelledby="password-title">
      <h2 id="password-title">Change your password</h2>
      {state.ok ? (
        <div ref={doneRef} tabIndex={-1}>
          <Alert tone="success">{messages.passwordChanged}</Alert>
        </div>
      ) : null}
      {/* Opened on request: an always-open form was the loudest thing on the page. A disclosure
          works without JavaScript, and a re-render after a refusal leaves it open. */}
      <details className="disclosure">
        <summary>Set a new password</summary>
        <ActionForm form={f}>
          {/* For password managers: which account the new password belongs to. */}
          <input type="email" hidden autoComplete="username" value={email} readOnly />
          <PasswordField
            id="currentPassword"
            label="Current password"
            autoComplete="current-password"
            required
            error={f.errorFor('currentPassword')}
            {...f.form.register('currentPassword')}
          />
          <PasswordField
            id="newPassword"
            label="New password"
            autoComplete="new-password"
            required
            minLength={12}
            maxLength={512}
            error={f.errorFor('newPassword')}
            hint={<PasswordStrength password={String(newPassword)} email={email} appName={appName} />}
            {...f.form.register('newPassword')}
          />
          <SubmitButton pending={f.pending} pendingLabel="Changing password…">
            Change password
          </SubmitButton>
        </ActionForm>
      </details>
    </section>
  );
}
