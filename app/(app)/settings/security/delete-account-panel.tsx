'use client';

import { useEffect, useRef, useState } from 'react';
import { ActionForm } from '@/components/action-form';
import { AnyCodeField } from '@/components/ui/any-code-field';
import { PasswordField } from '@/components/ui/password-field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { deleteAccountSchema } from '@/lib/validation/account';
import { deleteAccountAction } from './account-actions';

/**
 * "Delete your account". The form stays behind a button so one stray click deletes nothing; it
 * asks for the password, and a code when two-factor is on (the server decides either way). On
 * success the action signs this browser out and leaves the page.
 */
export function DeleteAccountPanel({ mfaEnabled }: { mfaEnabled: boolean }) {
  const [open, setOpen] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  useEffect(() => {
    if (!open && returnFocus.current) {
      returnFocus.current = false;
      openerRef.current?.focus();
    }
  }, [open]);

  return (
    <section className="panel" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete your account</h2>
      <p className="muted">
        Deleting your account removes it and everything in it: your sessions, two-factor settings and security
        activity. You can download your data first.
      </p>
      {open ? (
        <DeleteAccountForm
          mfaEnabled={mfaEnabled}
          onCancel={() => {
            returnFocus.current = true;
            setOpen(false);
          }}
        />
      ) : (
        <div className="actions">
          <button
            ref={openerRef}
            type="button"
            className="button button-danger"
            onClick={() => setOpen(true)}
          >
            Delete my account
          </button>
        </div>
      )}
    </section>
  );
}

function DeleteAccountForm({ mfaEnabled, onCancel }: { mfaEnabled: boolean; onCancel: () => void }) {
  const f = useActionForm(deleteAccountSchema, deleteAccountAction);
  // Two-factor may have been turned on in another tab since this page was drawn.
  const askCode = mfaEnabled || Boolean(f.state.fieldErrors?.code);
  return (
    <ActionForm form={f} className="form" label="Delete account">
      <p className="warning" id="delete-warning">
        <strong>This cannot be undone.</strong> Your account, its sessions, two-factor settings and security
        activity are deleted at once, and every device is signed out.
      </p>
      <PasswordField
        id="delete-password"
        label="Password"
        autoComplete="current-password"
        required
        autoFocus
        error={f.errorFor('password')}
        {...f.form.register('password')}
      />
      {askCode ? (
        <AnyCodeField id="delete-code" error={f.errorFor('code')} {...f.form.register('code')} />
      ) : null}
      <div className="actions">
        <SubmitButton pending={f.pending} pendingLabel="Deleting account…" variant="danger">
          Delete account
        </SubmitButton>
        <button type="button" className="button button-secondary" onClick={onCancel} disabled={f.pending}>
          Cancel
        </button>
      </div>
    </ActionForm>
  );
}
