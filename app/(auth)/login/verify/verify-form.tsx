'use client';

import Link from 'next/link';
import { type ComponentProps, useState } from 'react';
import { ActionForm } from '@/components/action-form';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { useActionForm } from '@/components/use-action-form';
import { verifyBackupSchema, verifyTotpSchema } from '@/lib/validation/mfa';
import { verifyBackupAction, verifyTotpAction } from './actions';

/**
 * Off by default: trusting is a choice for a browser only its owner uses. Its hint says what it
 * does and what it never does (the password is still asked).
 */
function TrustCheckbox(props: ComponentProps<'input'>) {
  return (
    <div className="checkbox">
      <input id="trust" type="checkbox" value="on" aria-describedby="trust-hint" {...props} />
      <label htmlFor="trust">Trust this device for 30 days</label>
      <span id="trust-hint" className="muted small">
        (no code on this browser; the password is still asked. Not on a shared computer.)
      </span>
    </div>
  );
}

function TotpForm({ callbackUrl }: { callbackUrl: string }) {
  const f = useActionForm(verifyTotpSchema, verifyTotpAction);
  return (
    <ActionForm form={f}>
      <p className="muted">Open your authenticator app and enter the 6-digit code for Latchkey.</p>
      <input type="hidden" defaultValue={callbackUrl} {...f.form.register('callbackUrl')} />
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
        error={f.errorFor('code')}
        {...f.form.register('code')}
      />
      <TrustCheckbox {...f.form.register('trust')} />
      <SubmitButton pending={f.pending} pendingLabel="Verifying…">
        Verify
      </SubmitButton>
    </ActionForm>
  );
}

function BackupForm({ callbackUrl }: { callbackUrl: string }) {
  const f = useActionForm(verifyBackupSchema, verifyBackupAction);
  return (
    <ActionForm form={f}>
      <p className="muted">Enter one of the backup codes you saved. Each code works once.</p>
      <input type="hidden" defaultValue={callbackUrl} {...f.form.register('callbackUrl')} />
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
        error={f.errorFor('backupCode')}
        {...f.form.register('backupCode')}
      />
      <TrustCheckbox {...f.form.register('trust')} />
      <SubmitButton pending={f.pending} pendingLabel="Verifying…">
        Verify
      </SubmitButton>
    </ActionForm>
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
      <p className="form-footer small">
        <Link href="/account-recovery">Lost your authenticator and backup codes?</Link>
      </p>
    </>
  );
}
