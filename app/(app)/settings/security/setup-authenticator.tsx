'use client';

import { useActionState, useEffect, useState } from 'react';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { initialState } from '@/lib/action-state';
import { QR_SIZE } from '@/lib/mfa/code-shapes';
import { enableSchema } from '@/lib/validation/mfa';
import { enableAction, type MfaActionState, startSetupAction } from './actions';

/** The key in groups of four for reading; the element's text stays the unbroken key. */
function GroupedKey({ secret }: { secret: string }) {
  const groups = secret.match(/.{1,4}/g) ?? [secret];
  return (
    <code data-testid="totp-secret" className="secret">
      {groups.map((g, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed, never reordered
        <span key={i}>{g}</span>
      ))}
    </code>
  );
}

function EnableForm({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const f = useActionForm(enableSchema, enableAction);
  const codes = f.state.backupCodes;
  useEffect(() => {
    if (codes) onEnabled(codes);
  }, [codes, onEnabled]);
  return (
    <ActionForm form={f}>
      <Field
        id="enable-code"
        label="Authentication code"
        autoComplete="one-time-code"
        inputMode="numeric"
        maxLength={8}
        required
        className="code-input"
        hint="The 6-digit code your app shows for Latchkey."
        error={f.errorFor('code')}
        {...f.form.register('code')}
      />
      <SubmitButton pending={f.pending} pendingLabel="Verifying…">
        Verify and enable
      </SubmitButton>
    </ActionForm>
  );
}

export function SetupAuthenticator({
  onStart,
  onEnabled,
}: {
  onStart: () => void;
  onEnabled: (codes: string[]) => void;
}) {
  const [state, start, pending] = useActionState<MfaActionState, FormData>(startSetupAction, initialState);
  const [copied, setCopied] = useState(false);
  const enrollment = state.enrollment;
  // The form posts straight to the server action (so it also works before hydration); the panel
  // learns that a set-up is under way from its result.
  useEffect(() => {
    if (enrollment) onStart();
  }, [enrollment, onStart]);

  if (!enrollment) {
    return (
      <div className="form">
        {state.error ? <Alert>{state.error}</Alert> : null}
        <form action={start}>
          <SubmitButton pending={pending} pendingLabel="Preparing…">
            Set up authenticator app
          </SubmitButton>
        </form>
      </div>
    );
  }
  return (
    <section className="panel" aria-labelledby="setup-title">
      <h3 id="setup-title">Scan this QR code</h3>
      <ol className="steps">
        <li>
          Open an authenticator app (such as 1Password, Google Authenticator or Aegis) and add an account.
        </li>
        <li>Scan the QR code, or type the key shown below it.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      {/* biome-ignore lint/performance/noImgElement: a data: URL made on the server, nothing to optimise */}
      <img
        src={enrollment.qrDataUrl}
        alt="QR code for your authenticator app"
        width={QR_SIZE}
        height={QR_SIZE}
        className="qr"
      />
      <p className="small muted" id="key-label">
        Can’t scan? Enter this key:
      </p>
      <div className="actions">
        <GroupedKey secret={enrollment.secret} />
        <button
          type="button"
          className="button button-secondary"
          onClick={async () => {
            await navigator.clipboard.writeText(enrollment.secret);
            setCopied(true);
          }}
        >
          Copy key
        </button>
        <span role="status" className="small muted">
          {copied ? 'Key copied.' : ''}
        </span>
      </div>
      <EnableForm onEnabled={onEnabled} />
      <form action={start}>
        <button type="submit" className="link-button small">
          Start again with a new key
        </button>
      </form>
    </section>
  );
}
