'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { ActionForm } from '@/components/action-form';
import { Field } from '@/components/ui/field';
import { PasswordField } from '@/components/ui/password-field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { QR_SIZE } from '@/lib/mfa/code-shapes';
import { enableSchema, startSetupSchema } from '@/lib/validation/mfa';
import { type Enrollment, enableAction, startSetupAction } from './actions';

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

/** The password, before any secret is shown. */
function ConfirmPasswordForm({
  onEnrollment,
  onCancel,
}: {
  onEnrollment: (enrollment: Enrollment) => void;
  onCancel: () => void;
}) {
  const f = useActionForm(startSetupSchema, startSetupAction);
  const enrollment = f.state.enrollment;
  useEffect(() => {
    if (enrollment) onEnrollment(enrollment);
  }, [enrollment, onEnrollment]);
  return (
    <ActionForm form={f} label="Confirm your password to set up an authenticator app">
      <p>Enter your password to see the key for your authenticator app.</p>
      <PasswordField
        id="setup-password"
        label="Password"
        autoComplete="current-password"
        required
        autoFocus
        error={f.errorFor('password')}
        {...f.form.register('password')}
      />
      <div className="actions">
        <SubmitButton pending={f.pending} pendingLabel="Checking…">
          Continue
        </SubmitButton>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </ActionForm>
  );
}

export function SetupAuthenticator({
  onStart,
  onEnabled,
  onCancel,
}: {
  onStart: () => void;
  onEnabled: (codes: string[]) => void;
  /** The set-up was given up after the key was shown. */
  onCancel?: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [copied, setCopied] = useState(false);
  const openerRef = useRef<HTMLButtonElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);
  const showEnrollment = useCallback(
    (e: Enrollment) => {
      setEnrollment(e);
      setAsking(false);
      onStart();
    },
    [onStart],
  );
  // Focus follows the change: to the QR code's heading when it appears, scrolled to the top so
  // the code itself is in view too (focus alone scrolls only as far as the heading).
  useEffect(() => {
    if (!enrollment) return;
    titleRef.current?.focus({ preventScroll: true });
    titleRef.current?.scrollIntoView({ block: 'start' });
  }, [enrollment]);

  if (!enrollment) {
    return asking ? (
      <ConfirmPasswordForm
        onEnrollment={showEnrollment}
        onCancel={() => {
          setAsking(false);
          requestAnimationFrame(() => openerRef.current?.focus());
        }}
      />
    ) : (
      <button ref={openerRef} type="button" className="button" onClick={() => setAsking(true)}>
        Set up authenticator app
      </button>
    );
  }
  return (
    <section className="panel" aria-labelledby="setup-title">
      <h3 id="setup-title" ref={titleRef} tabIndex={-1}>
        Scan this QR code
      </h3>
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
      {/* A phone cannot scan its own screen: on a small one, the link opens the authenticator app. */}
      <p className="only-narrow">
        <a className="button" href={enrollment.uri}>
          Open in authenticator app
        </a>
      </p>
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
      <dl className="small muted manual-entry" aria-label="Details for typing the key in">
        <div>
          <dt>Account</dt>
          <dd>{enrollment.account}</dd>
        </div>
        <div>
          <dt>Issuer</dt>
          <dd>{enrollment.issuer}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>Time-based (TOTP), 6 digits, every 30 seconds, SHA-1</dd>
        </div>
      </dl>
      <EnableForm onEnabled={onEnabled} />
      <div className="actions">
        <button
          type="button"
          className="link-button small"
          onClick={() => {
            // A new key means the password again: the old key's codes stop working.
            setEnrollment(null);
            setAsking(true);
          }}
        >
          Start again with a new key
        </button>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            // Nothing is on until a code is verified: the pending key is simply left unused
            // (a later set-up replaces it).
            setEnrollment(null);
            setAsking(false);
            onCancel?.();
            requestAnimationFrame(() => openerRef.current?.focus());
          }}
        >
          Cancel set-up
        </button>
      </div>
    </section>
  );
}
