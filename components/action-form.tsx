'use client';

import type { ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import type { useActionForm } from './use-action-form';

type FormHandle = Pick<
  ReturnType<typeof useActionForm>,
  'pending' | 'formRef' | 'alertRef' | 'formAction' | 'onSubmit' | 'onInput' | 'formErrors'
>;

/**
 * The form element every action form shares: posts to the server action (also before
 * hydration), validates first with JavaScript, and shows the server's form-level error where
 * focus can reach it.
 */
export function ActionForm({
  form,
  children,
  className = 'form',
  label,
}: {
  form: FormHandle;
  children: ReactNode;
  className?: string;
  label?: string;
}) {
  // The children (the fields) were rendered by the caller first, so formErrors knows what they show.
  const errors = form.formErrors();
  return (
    <form
      ref={form.formRef}
      action={form.formAction}
      onSubmit={form.onSubmit}
      onInput={form.onInput}
      noValidate
      className={className}
      aria-busy={form.pending}
      aria-label={label}
    >
      {errors.length > 0 ? (
        <div ref={form.alertRef} tabIndex={-1}>
          <Alert>{errors.join(' ')}</Alert>
        </div>
      ) : null}
      {children}
    </form>
  );
}
