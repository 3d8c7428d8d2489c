'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { useActionForm } from '@/components/use-action-form';
import { LOW_BACKUP_CODES as LOW_CODES } from '@/lib/mfa/code-shapes';
import { enableSchema } from '@/lib/validation/mfa';
import { disableAction, enableAction, regenerateAction } from './actions';
import { BackupCodes } from './backup-codes';
import { SetupAuthenticator } from './setup-authenticator';
import { StepUpForm } from './step-up-form';

type Opener = 'regenerate' | 'disable';

const ENABLED = 'Two-factor authentication was turned on: signing in now asks for a code from your app.';

export function TwoFactorPanel({
  enabled,
  backupCodesLeft,
  account,
  appName,
  required = false,
  startSetUpOpen = false,
}: {
  enabled: boolean;
  backupCodesLeft: number;
  /** Named on every copy of new backup codes. */
  account: string;
  appName: string;
  /** The account's role requires two-factor (MFA_REQUIRED_ROLES): it cannot be turned off here. */
  required?: boolean;
  /** The page was asked for with `?setup=1` (the set-up button without JavaScript). */
  startSetUpOpen?: boolean;
}) {
  const router = useRouter();
  // The enable form's answer (the new backup codes) is held here, by a component the page renders
  // whether two-factor is off or on. Without JavaScript the server renders the page from that
  // answer after turning two-factor on, when the set-up (and its form) is no longer on the page:
  // only a holder that is still there can show the codes, once, in that response.
  const enable = useActionForm(enableSchema, enableAction);
  const enabledCodes = enable.state.backupCodes;
  // New codes live here, above the forms that produced them: the page re-renders with the new
  // status underneath, and the codes stay until the person says they saved them. `saved` is what
  // the panel says then.
  const [codes, setCodes] = useState<{ list: string[]; saved: string } | null>(() =>
    enabledCodes ? { list: enabledCodes, saved: ENABLED } : null,
  );
  const [open, setOpen] = useState<Opener | null>(null);
  // An object, so the same words said twice still move focus again.
  const [notice, setNotice] = useState<{ text: string } | null>(null);
  // A form whose action changed the status stays mounted through the re-render that the action
  // triggers, so it can hand its result (the new codes) up before it goes.
  const [settingUp, setSettingUp] = useState(false);
  const startSetUp = useCallback(() => {
    setNotice(null);
    setSettingUp(true);
  }, []);
  const cancelSetUp = useCallback(() => setSettingUp(false), []);
  useEffect(() => {
    if (!enabledCodes) return;
    setCodes({ list: enabledCodes, saved: ENABLED });
    setSettingUp(false);
  }, [enabledCodes]);

  // Focus follows every change: to the status message when one appears, back to the button that
  // opened a form when it is cancelled. Nothing drops focus on the page's body.
  const statusRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (notice) statusRef.current?.focus();
  }, [notice]);
  const openers = { regenerate: useRef<HTMLButtonElement>(null), disable: useRef<HTMLButtonElement>(null) };
  const [returnTo, setReturnTo] = useState<Opener | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the refs are stable; focus once the button is back
  useEffect(() => {
    if (!returnTo || open) return;
    openers[returnTo].current?.focus();
    setReturnTo(null);
  }, [returnTo, open]);
  const cancel = (which: Opener) => () => {
    setOpen(null);
    setReturnTo(which);
  };
  const openForm = (which: Opener) => () => {
    setNotice(null);
    setOpen(which);
  };

  return (
    <section className="panel" id="two-factor" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-factor authentication</h2>
      <p className={`status ${enabled ? 'status-on' : 'status-off'}`}>
        {enabled ? 'Two-factor authentication is on' : 'Two-factor authentication is off'}
      </p>
      {notice ? (
        <div ref={statusRef} tabIndex={-1}>
          <Alert tone="success">{notice.text}</Alert>
        </div>
      ) : null}
      {codes ? (
        <BackupCodes
          account={account}
          appName={appName}
          codes={codes.list}
          onDone={() => {
            setNotice({ text: codes.saved });
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
          <SetupAuthenticator
            enable={enable}
            startOpen={startSetUpOpen}
            onStart={startSetUp}
            onCancel={cancelSetUp}
          />
        </>
      ) : null}

      {enabled || open ? (
        <>
          {enabled && required ? (
            <p className="muted">Your role requires two-factor authentication, so it cannot be turned off.</p>
          ) : null}
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
                if (state.backupCodes)
                  setCodes({
                    list: state.backupCodes,
                    saved: 'Your new backup codes are in use; the old ones no longer work.',
                  });
              }}
              onCancel={cancel('regenerate')}
            />
          ) : open === 'disable' ? (
            <StepUpForm
              id="disable"
              action={disableAction}
              submitLabel="Disable two-factor authentication"
              destructive
              pendingLabel="Disabling…"
              danger="Signing in will need only your password. Your authenticator key and backup codes are deleted."
              onDone={() => {
                setOpen(null);
                setCodes(null);
                setNotice({ text: 'Two-factor authentication was turned off.' });
              }}
              onCancel={cancel('disable')}
            />
          ) : (
            <div className="actions">
              <button
                ref={openers.regenerate}
                type="button"
                className="button button-secondary"
                onClick={openForm('regenerate')}
              >
                Regenerate backup codes
              </button>
              {required ? null : (
                <button
                  ref={openers.disable}
                  type="button"
                  className="button button-danger"
                  onClick={openForm('disable')}
                >
                  Disable two-factor authentication
                </button>
              )}
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}
