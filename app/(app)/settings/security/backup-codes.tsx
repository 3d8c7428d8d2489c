'use client';

import { useEffect, useRef, useState } from 'react';
import { PageButton } from '@/components/ui/page-button';
import { useHydrated } from '@/components/use-hydrated';

/** The date in the reader's own zone, as YYYY-MM-DD (a file name's and a printout's). */
function localDate(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/**
 * New backup codes, shown once: copy, download, print, then dismiss. They cannot be shown again,
 * so every copy says whose they are, for which app and from when (a drawer may hold several), and
 * leaving the page while they are on screen asks first.
 */
export function BackupCodes({
  codes,
  onDone,
  account,
  appName,
}: {
  codes: string[];
  onDone: () => void;
  account: string;
  appName: string;
}) {
  const [copied, setCopied] = useState(false);
  const hydrated = useHydrated();
  const [madeAt] = useState(() => new Date());
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  useEffect(() => {
    // A reload or a closed tab would lose them for good: the browser asks first.
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  const made = localDate(madeAt);
  const text = `${appName} backup codes for ${account}\nMade ${made}. Each code works once; a new set replaces these.\n\n${codes.join('\n')}\n`;
  const copy = async () => {
    await navigator.clipboard.writeText(text);
    setCopied(true);
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${appName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-backup-codes-${account.replace(/[^A-Za-z0-9.@_-]+/g, '_')}-${made}.txt`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section className="panel highlight print-area" aria-labelledby="codes-title">
      <h3 id="codes-title" ref={headingRef} tabIndex={-1}>
        Save your backup codes now
      </h3>
      <p>
        Each code signs you in once if you lose your phone.{' '}
        <strong>This is the only time they are shown</strong>: store them somewhere safe, such as a password
        manager.
      </p>
      <p className="small muted print-area-heading">
        {appName} backup codes for <strong>{account}</strong>, made {made}.
      </p>
      <ul data-testid="backup-codes" className="codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      {hydrated ? null : (
        // Served without JavaScript: nothing to copy or download with, and no warning before leaving.
        <p className="warning">Write them down or print this page (your browser’s Print) before you go on.</p>
      )}
      <div className="actions">
        {hydrated ? (
          <>
            <button type="button" className="button button-secondary" onClick={copy}>
              Copy codes
            </button>
            <button type="button" className="button button-secondary" onClick={download}>
              Download codes
            </button>
            <button type="button" className="button button-secondary" onClick={() => window.print()}>
              Print codes
            </button>
          </>
        ) : null}
        {/* Without JavaScript: the page again, which no longer holds them. */}
        <PageButton href="/settings/security#mfa-title" onClick={onDone} className="button button-primary">
          I have saved these codes
        </PageButton>
      </div>
      <p role="status" className="muted small">
        {copied ? 'Copied to the clipboard.' : ''}
      </p>
    </section>
  );
}
