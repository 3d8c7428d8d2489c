'use client';

import { useEffect, useRef, useState } from 'react';

/** New backup codes, shown once: copy, download, then dismiss. They cannot be shown again. */
export function BackupCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const text = `Latchkey backup codes. Each works once.\n\n${codes.join('\n')}\n`;
  const copy = async () => {
    await navigator.clipboard.writeText(text);
    setCopied(true);
  };
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'latchkey-backup-codes.txt';
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <section className="panel highlight" aria-labelledby="codes-title">
      <h3 id="codes-title" ref={headingRef} tabIndex={-1}>
        Save your backup codes now
      </h3>
      <p>
        Each code signs you in once if you lose your phone.{' '}
        <strong>This is the only time they are shown</strong>: store them somewhere safe, such as a password
        manager.
      </p>
      <ul data-testid="backup-codes" className="codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="button button-secondary" onClick={copy}>
          Copy codes
        </button>
        <button type="button" className="button button-secondary" onClick={download}>
          Download codes
        </button>
        <button type="button" className="button button-primary" onClick={onDone}>
          I have saved these codes
        </button>
      </div>
      <p role="status" className="muted small">
        {copied ? 'Copied to the clipboard.' : ''}
      </p>
    </section>
  );
}
