'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { LOW_BACKUP_CODES as LOW_CODES } from '@/lib/mfa/code-shapes';
import { disableAction, regenerateAction } from './actions';
import { BackupCodes } from './backup-codes';
import { SetupAuthenticator } from './setup-authenticator';
import { StepUpForm } from './step-up-form';

export function TwoFactorPanel({
  enabled,
  backupCodesLeft,
  account,
  appName,
}: {
  enabled: boolean;
  backupCodesLeft: number;
  /** Named on every copy of new backup codes. */
  account: string;
  appName: string;
}) {
  const router = useRouter();
  // New codes live here, above the forms that produced them: the page re-renders with the new
  // status underneath, and the codes stay until the person says they saved them.
  const [codes, setCodes] = useState<string[] | null>(null);
  const [open, setOpen] = useState<'regenerate' | 'disable' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // A form whose action changed the status stays mounted through the re-render that the action
  // triggers, so it can hand its result (the new codes) up before it goes.
  const [settingUp, setSettingUp] = useState(false);
  const startSetUp = useCallback(() => setSettingUp(true), []);
  const cancelSetUp = useCallback(() => setSettingUp(false), []);
  const showCodes = useCallback((c: string[]) => {
    setCodes(c);
    setSettingUp(false);
  }, []);

  return (
    <section className="panel" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-factor authentication</h2>
      <p className={`status ${enabled ? 'status-on' : 'status-off'}`}>
        {enabled ? 'Two-factor authentication is on' : 'Two-factor authentication is off'}
      </p>
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {codes ? (
        <BackupCodes
          account={account}
          appName={appName}
          codes={codes}
          onDone={() => {
            setCodes(null);
            router.refresh();
          }}
        />
      ) : null}

      {(!enabled || settingUp) && !codes ? (
        <>
          <p className="muted">
            Add a second step to signing in: a code from an authenticator app on your phone, so a stolen
            password alone is not enough.
          </p>
          <SetupAuthenticator onStart={startSetUp} onEnabled={showCodes} onCancel={cancelSetUp} />
        </>
      ) : null}

      {enabled || open ? (
        <>
          {enabled ? (
            <p className={backupCodesLeft <= LOW_CODES ? 'warning' : undefined}>
              {backupCodesLeft} backup code{backupCodesLeft === 1 ? '' : 's'} left
              {backupCodesLeft <= LOW_CODES ? '. Regenerate them soon, so you are not locked out.' : ''}
            </p>
          ) : null}
          {open === 'regenerate' ? (
            <StepUpForm
              id="regenerate"
              action={regenerateAction}
              submitLabel="Regenerate backup codes"
              pendingLabel="Regenerating…"
              danger="Your current backup codes will stop working."
              onDone={(state) => {
                setOpen(null);
                if (state.backupCodes) setCodes(state.backupCodes);
              }}
              onCancel={() => setOpen(null)}
            />
          ) : open === 'disable' ? (
            <StepUpForm
              id="disable"
              action={disableAction}
              submitLabel="Disable two-factor authentication"
              pendingLabel="Disabling…"
              danger="Signing in will need only your password. Your authenticator key and backup codes are deleted."
              onDone={() => {
                setOpen(null);
                setCodes(null);
                setNotice('Two-factor authentication was turned off.');
              }}
              onCancel={() => setOpen(null)}
            />
          ) : (
            <div className="actions">
              <button type="button" className="button button-secondary" onClick={() => setOpen('regenerate')}>
                Regenerate backup codes
              </button>
              <button type="button" className="button button-danger" onClick={() => setOpen('disable')}>
                Disable two-factor authentication
              </button>
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}
