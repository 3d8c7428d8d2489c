'use client';

import { useEffect, useMemo, useState } from 'react';
import { messages, passwordReasons } from '@/lib/messages';
import { loadedMeter, loadMeter } from '@/lib/password-meter';
import { judgePassword, type PasswordContext } from '@/lib/password-policy';

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;
const HINT = 'Use 12 or more characters; a passphrase works well.';

/** The meter once it has loaded; its dictionaries are fetched on the first keystroke, not with the page. */
function useMeter(wanted: boolean) {
  const [meter, setMeter] = useState(loadedMeter);
  useEffect(() => {
    if (!wanted || meter) return;
    let cancelled = false;
    loadMeter().then(
      (m) => {
        if (!cancelled) setMeter(m);
      },
      // Not loaded (offline, say): the meter stays a hint, and the server still decides.
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [wanted, meter]);
  return meter;
}

/**
 * The strength meter: the password policy's own verdict (the function the server calls), shown
 * as a score and, for a refusal, why.
 */
export function PasswordStrength({ password, email, appName }: { password: string } & PasswordContext) {
  const meter = useMeter(password !== '');
  const verdict = useMemo(
    () => (meter && password ? judgePassword(password, { email, appName }, meter) : null),
    [meter, password, email, appName],
  );

  if (!verdict || verdict.refusal === 'passwordTooShort')
    return <span className="strength strength-empty">{HINT}</span>;
  return (
    <span className="strength" data-score={verdict.score}>
      <span className="strength-bar" aria-hidden="true">
        {[0, 1, 2, 3].map((i) => (
          <span key={i} className={i < verdict.score ? 'on' : undefined} />
        ))}
      </span>
      <span>
        Strength: {LABELS[verdict.score]}
        {verdict.refusal ? ` (${passwordReasons[verdict.refusal]})` : ''}
      </span>
    </span>
  );
}

/**
 * The same verdict when the form is submitted, so a refused password never leaves the browser:
 * an error on `field`, in the words the server would use. Without the meter (it failed to
 * load), there is no opinion and the server decides alone.
 */
export function passwordCheck<V extends Record<string, unknown>>(
  field: keyof V & string,
  context: (values: V) => PasswordContext,
) {
  return async (values: V): Promise<Record<string, string> | null> => {
    const meter = await loadMeter().catch(() => null);
    const password = values[field];
    if (!meter || typeof password !== 'string') return null;
    const { refusal } = judgePassword(password, context(values), meter);
    return refusal ? { [field]: messages[refusal] } : null;
  };
}
