'use client';

import { type FormEvent, type ReactNode, startTransition, useEffect, useId, useRef } from 'react';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/ui/alert';
import { AnyCodeField } from '@/components/ui/any-code-field';
import { PasswordField } from '@/components/ui/password-field';
import { useActionForm } from '@/components/use-action-form';
import type { AdminActionKind } from '@/lib/admin/account-actions';
import { stepUpSchema } from '@/lib/validation/mfa';
import { type AdminActionState, adminAction } from '../../actions';

/**
 * One form for every action on the account: the administrator's own password and a current code
 * (asked every time), then the button for what to do. The pressed button's name and value say
 * which action, also without JavaScript (the browser sends the submitter). After success focus
 * moves to a status message that says in words what happened.
 */
export function AdminActions({
  userId,
  locked,
  mfaEnabled,
}: {
  userId: string;
  locked: boolean;
  mfaEnabled: boolean;
}) {
  const f = useActionForm(stepUpSchema, adminAction);
  const state = f.state as AdminActionState;
  const statusRef = useRef<HTMLDivElement>(null);
  const { reset } = f.form;
  useEffect(() => {
    if (!state.ok || f.pending) return;
    // The password and code were for this action only: the next one asks again.
    reset();
    statusRef.current?.focus();
  }, [state, f.pending, reset]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    void f.form.handleSubmit(
      () => {
        startTransition(() => f.formAction(new FormData(element, submitter)));
      },
      (errors) => {
        const first = Array.from(element.elements).find(
          (el): el is HTMLInputElement => el instanceof HTMLInputElement && el.name in errors,
        );
        first?.focus();
      },
    )(event);
  };

  return (
    <>
      {state.ok && state.done ? (
        <div ref={statusRef} tabIndex={-1}>
          <Alert tone="success">{state.done}</Alert>
        </div>
      ) : null}
      <ActionForm form={{ ...f, onSubmit }} className="form" label="Act on this account">
        <p>Confirm it’s you with your own password and a current code, then choose what to do.</p>
        <input type="hidden" name="userId" value={userId} />
        <PasswordField
          id="admin-password"
          label="Password"
          autoComplete="current-password"
          required
          error={f.errorFor('password')}
          {...f.form.register('password')}
        />
        <AnyCodeField id="admin-code" error={f.errorFor('code')} {...f.form.register('code')} />
        <ul className="list">
          <Operation
            operation="sign_out_everywhere"
            hint="Ends every session of this account, in browsers and apps (API)."
            pending={f.pending}
          >
            Sign out everywhere
          </Operation>
          <Operation
            operation={mfaEnabled ? 'reset_two_factor' : null}
            hint={
              mfaEnabled
                ? 'For someone who lost their authenticator and every backup code: turns two-factor authentication off, removes trusted devices, ends every session and emails them. They then sign in with their password and set it up again.'
                : 'Two-factor authentication is off for this account: there is nothing to reset.'
            }
            danger
            pending={f.pending}
          >
            Reset two-factor
          </Operation>
          <Operation
            operation={locked ? 'unlock' : 'lock'}
            hint={
              locked
                ? 'Lets this account sign in again.'
                : 'Refuses every sign-in to this account (after the right password, it says the account is locked) and ends every session, until it is unlocked.'
            }
            danger={!locked}
            pending={f.pending}
          >
            {locked ? 'Unlock account' : 'Lock account'}
          </Operation>
        </ul>
      </ActionForm>
    </>
  );
}

/**
 * One action of the form: what it does, then its submit button (described by that text), whose
 * name and value tell the server which action. No operation: the text alone says why there is none.
 */
function Operation({
  operation,
  hint,
  danger = false,
  pending,
  children,
}: {
  operation: AdminActionKind | null;
  hint: string;
  danger?: boolean;
  pending: boolean;
  children: ReactNode;
}) {
  const hintId = useId();
  return (
    <li>
      <p className="small" id={hintId}>
        {hint}
      </p>
      {operation ? (
        <button
          type="submit"
          name="operation"
          value={operation}
          className={`button ${danger ? 'button-danger' : 'button-secondary'}`}
          disabled={pending}
          aria-describedby={hintId}
        >
          {children}
        </button>
      ) : null}
    </li>
  );
}
