'use client';

import { useEffect, useRef, useState } from 'react';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/ui/alert';
import { AnyCodeField } from '@/components/ui/any-code-field';
import { Field } from '@/components/ui/field';
import { PasswordField } from '@/components/ui/password-field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { changeEmailSchema } from '@/lib/validation/account';
import { changeEmailAction } from './actions';

/**
 * The form opens on request: it asks for the password (and a code), and a settings page with
 * several always-open "Password" fields is hard to use with a screen reader.
 */
export function EmailPanel({ verified, mfaEnabled }: { verified: boolean; mfaEnabled: boolean }) {
  const [open, setOpen] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const doneRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (sentTo) doneRef.current?.focus();
  }, [sentTo]);

  return (
    <section className="panel" aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      <p>
        You sign in with your email address, and security notices go to it.{' '}
        {verified ? 'It is verified.' : 'It is not verified yet.'}
      </p>
      {sentTo ? (
        <div ref={doneRef} tabIndex={-1}>
          <Alert tone="success">
            We sent a link to {sentTo}. Your address changes when you open it (within 1 hour); until then
            nothing changes.
          </Alert>
        </div>
      ) : null}
      {open ? (
        <ChangeEmailForm
          mfaEnabled={mfaEnabled}
          onSent={(to) => {
            setOpen(false);
            setSentTo(to);
          }}
          onCancel={() => {
            setOpen(false);
            // Back to where the person was, not to the top of the page.
            requestAnimationFrame(() => openerRef.current?.focus());
          }}
        />
      ) : (
        <button
          ref={openerRef}
          type="button"
          className="button button-secondary"
          onClick={() => {
            setSentTo(null);
            setOpen(true);
          }}
        >
          Change email address
        </button>
      )}
    </section>
  );
}

function ChangeEmailForm({
  mfaEnabled,
  onSent,
  onCancel,
}: {
  mfaEnabled: boolean;
  onSent: (to: string) => void;
  onCancel: () => void;
}) {
  const f = useActionForm(changeEmailSchema, changeEmailAction);
  const { state } = f;
  useEffect(() => {
    if (state.ok && state.sentTo) onSent(state.sentTo);
  }, [state, onSent]);

  return (
    <ActionForm form={f} label="Change email address">
      <Field
        id="newEmail"
        label="New email"
        type="email"
        autoComplete="email"
        spellCheck={false}
        required
        autoFocus
        maxLength={254}
        defaultValue={state.values?.newEmail}
        error={f.errorFor('newEmail')}
        {...f.form.register('newEmail')}
      />
      <PasswordField
        id="changeEmailPassword"
        label="Password"
        autoComplete="current-password"
        required
        error={f.errorFor('password')}
        {...f.form.register('password')}
      />
      {mfaEnabled ? (
        <AnyCodeField id="changeEmailCode" error={f.errorFor('code')} {...f.form.register('code')} />
      ) : null}
      <div className="actions">
        <SubmitButton pending={f.pending} pendingLabel="Sending link…">
          Change email
        </SubmitButton>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </ActionForm>
  );
}
