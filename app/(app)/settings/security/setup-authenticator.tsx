'use client';

import { useEffect, useRef, useState } from 'react';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/ui/alert';
import { Field } from '@/components/ui/field';
import { PageButton, PageForm } from '@/components/ui/page-button';
import { PasswordField } from '@/components/ui/password-field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { useHydrated } from '@/components/use-hydrated';
import { QR_SIZE } from '@/lib/mfa/code-shapes';
import type { enableSchema } from '@/lib/validation/mfa';
import { startSetupSchema } from '@/lib/validation/mfa';
import { type Enrollment, type MfaActionState, startSetupAction } from './actions';

/** The enable form's handle: its action state lives in TwoFactorPanel (see there why). */
export type EnableHandle = ReturnType<typeof useActionForm<typeof enableSchema, MfaActionState>>;

/** Where the no-JavaScript forms lead: this page, at the two-factor section. */
const SECTION = '/settings/security#mfa-title';

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

function EnableForm({ f }: { f: EnableHandle }) {
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

/** The pending key, to scan or type, and the code that turns two-factor on. */
function EnrollmentView({
  enrollment,
  enable,
  onRestart,
  onCancel,
}: {
  enrollment: Enrollment;
  enable: EnableHandle;
  onRestart: () => void;
  onCancel: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const hydrated = useHydrated();
  const titleRef = useRef<HTMLHeadingElement>(null);
  // Focus follows the change: to the QR code's heading when it appears, scrolled to the top so
  // the code itself is in view too (focus alone scrolls only as far as the heading).
  useEffect(() => {
    titleRef.current?.focus({ preventScroll: true });
    titleRef.current?.scrollIntoView({ block: 'start' });
  }, []);
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
        {hydrated ? (
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
        ) : null}
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
      <EnableForm f={enable} />
      <div className="actions">
        {/* A new key means the password again: the old key's codes stop working. */}
        <PageButton href={SECTION} params={{ setup: '1' }} onClick={onRestart} className="link-button small">
          Start again with a new key
        </PageButton>
        {/* Nothing is on until a code is verified: the pending key is simply left unused (a later
            set-up replaces it). */}
        <PageButton href={SECTION} onClick={onCancel} className="button button-secondary">
          Cancel set-up
        </PageButton>
      </div>
    </section>
  );
}

/**
 * The password, then the key. The key is this form's own answer and is drawn from it, not handed
 * up: without JavaScript the server renders the page from that answer, and only the component
 * holding it can show it.
 */
function PasswordThenKey({
  enable,
  first,
  onStart,
  onRestart,
  onCancel,
}: {
  enable: EnableHandle;
  /** The first password form since the page loaded. */
  first: boolean;
  onStart: () => void;
  onRestart: () => void;
  onCancel: (afterKey: boolean) => void;
}) {
  const f = useActionForm(startSetupSchema, startSetupAction);
  const enrollment = f.state.enrollment;
  useEffect(() => {
    if (enrollment) onStart();
  }, [enrollment, onStart]);
  if (enrollment) {
    return (
      <EnrollmentView
        enrollment={enrollment}
        enable={enable}
        onRestart={onRestart}
        onCancel={() => onCancel(true)}
      />
    );
  }
  // Without JavaScript a wrong code comes back as a new page, which holds the enable form's answer
  // but not the key (that was the password form's answer, in the page before): the refusal is
  // said here, with the way on. With JavaScript the key stays on screen and the form says it.
  const refused =
    first && enable.state.ok === false ? (enable.state.fieldErrors?.code ?? enable.state.error) : null;
  return (
    <>
      <ActionForm form={f} label="Confirm your password to set up an authenticator app">
        {refused ? (
          <Alert>
            Two-factor authentication was not turned on: {refused} Enter your password to get a new key, then
            replace the entry in your authenticator app.
          </Alert>
        ) : null}
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
          <PageButton
            href={SECTION}
            formId="setup-cancel"
            onClick={() => onCancel(false)}
            className="button button-secondary"
          >
            Cancel
          </PageButton>
        </div>
      </ActionForm>
      {/* Forms do not nest: Cancel submits this one, outside the password form. */}
      <PageForm id="setup-cancel" href={SECTION} />
    </>
  );
}

export function SetupAuthenticator({
  enable,
  startOpen = false,
  onStart,
  onCancel,
}: {
  /** The enable form, whose answer (the backup codes) the panel shows. */
  enable: EnableHandle;
  /** Opened by the page's address (`?setup=1`): how the button works without JavaScript. */
  startOpen?: boolean;
  onStart: () => void;
  /** The set-up was given up after the key was shown. */
  onCancel?: () => void;
}) {
  const [asking, setAsking] = useState(startOpen);
  // A new attempt is a new password form (its earlier answer, the old key, is dropped with it).
  const [attempt, setAttempt] = useState(0);
  const openerRef = useRef<HTMLButtonElement>(null);
  if (!asking) {
    return (
      <PageButton
        href={SECTION}
        params={{ setup: '1' }}
        onClick={() => setAsking(true)}
        buttonRef={openerRef}
      >
        Set up authenticator app
      </PageButton>
    );
  }
  return (
    <PasswordThenKey
      key={attempt}
      first={attempt === 0}
      enable={enable}
      onStart={onStart}
      onRestart={() => setAttempt((n) => n + 1)}
      onCancel={(afterKey) => {
        setAsking(false);
        setAttempt((n) => n + 1);
        if (afterKey) onCancel?.();
        requestAnimationFrame(() => openerRef.current?.focus());
      }}
    />
  );
}
