'use client';

import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import type { ActionState } from '@/lib/action-state';
import { emailRequestSchema } from '@/lib/validation/fields';

/**
 * An address in, a link out by mail, and the same confirmation whatever the address (password
 * reset, account recovery): the one form both pages show.
 */
export function EmailLinkForm({
  action,
  sent,
  submitLabel,
  footer,
}: {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  /** The confirmation, identical for every address. */
  sent: string;
  submitLabel: string;
  footer: ReactNode;
}) {
  const f = useActionForm(emailRequestSchema, action);
  const doneRef = useRef<HTMLDivElement>(null);
  const { state } = f;
  // The confirmation appears above the form: move focus there so it is read out.
  useEffect(() => {
    if (state.ok) doneRef.current?.focus();
  }, [state]);

  return (
    <>
      {state.ok ? (
        <div ref={doneRef} tabIndex={-1}>
          <Alert tone="success">{sent}</Alert>
        </div>
      ) : null}
      <ActionForm form={f}>
        <Field
          id="email"
          label="Email"
          type="email"
          autoComplete="username"
          inputMode="email"
          spellCheck={false}
          required
          autoFocus
          defaultValue={state.values?.email}
          error={f.errorFor('email')}
          {...f.form.register('email')}
        />
        <SubmitButton pending={f.pending} pendingLabel="Sending…">
          {submitLabel}
        </SubmitButton>
        <p className="form-footer">{footer}</p>
      </ActionForm>
    </>
  );
}
