'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { verifyBackupSchema, verifyTotpSchema } from '@/lib/validation/mfa';
import { verifyBackupAction, verifyTotpAction } from './actions';

function TotpForm({ callbackUrl }: { callbackUrl: string }) {
  const { state, pending, form, onSubmit, formRef, alertRef, formAction, errorFor } = useActionForm(
    verifyTotpSchema,
    verifyTotpAction,
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
      <p className="muted">Open your authenticator app and enter the 6-digit code for Latchkey.</p>
      {state.error ? (
        <div ref={alertRef} tabIndex={-1}>
          <Alert>{state.error}</Alert>
        </div>
      ) : null}
      <input type="hidden" defaultValue={callbackUrl} {...form.register('callbackUrl')} />
      <Field
        id="code"
        label="Authentication code"
        autoComplete="one-time-code"
        inputMode="numeric"
        pattern="[0-9 ]*"
        maxLength={8}
        autoFocus
        required
        className="code-input"
        error={errorFor('code')}
        {...form.register('code')}
      />
      <SubmitButton pending={pending} pendingLabel="Verifying…">
        Verify
      </SubmitButton>
    </form>
  );
}

function BackupForm({ callbackUrl }: { callbackUrl: string }) {
  const { state, pending, form, onSubmit, formRef, alertRef, formAction, errorFor } = useActionForm(
    verifyBackupSchema,
    verifyBackupAction,
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
      <p className="muted">Enter one of the backup codes you saved. Each code works once.</p>
      {state.error ? (
        <div ref={alertRef} tabIndex={-1}>
          <Alert>{state.error}</Alert>
        </div>
      ) : null}
      <input type="hidden" defaultValue={callbackUrl} {...form.register('callbackUrl')} />
      <Field
        id="backupCode"
        label="Backup code"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={16}
        autoFocus
        required
        className="code-input"
        error={errorFor('backupCode')}
        {...form.register('backupCode')}
      />
      <SubmitButton pending={pending} pendingLabel="Verifying…">
        Verify
      </SubmitButton>
    </form>
  );
}

/**
 * The switch is a link (`?method=backup`), so it works before hydration and can be bookmarked by
 * a QA script; with JavaScript it switches in place.
 */
export function VerifyForm({
  callbackUrl,
  initialMode,
}: {
  callbackUrl: string;
  initialMode: 'totp' | 'backup';
}) {
  const [mode, setMode] = useState(initialMode);
  const other = mode === 'totp' ? 'backup' : 'totp';
  const href = `/login/verify?${new URLSearchParams({ callbackUrl, method: other })}`;
  return (
    <>
      {mode === 'totp' ? <TotpForm callbackUrl={callbackUrl} /> : <BackupForm callbackUrl={callbackUrl} />}
      <div className="form-footer actions">
        <Link
          href={href}
          replace
          scroll={false}
          onClick={(event) => {
            event.preventDefault();
            setMode(other);
          }}
        >
          {mode === 'totp' ? 'Use a backup code' : 'Use your authenticator app'}
        </Link>
        <Link href="/login">Start over</Link>
      </div>
    </>
  );
}
