'use client';

import { useEffect, useState } from 'react';
import { PASSWORD_MAX } from '@/lib/password-limits';

type Strength = { score: 0 | 1 | 2 | 3 | 4; warning: string | null };
type Checker = (password: string, userInputs: string[]) => Strength;

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

let loading: Promise<Checker> | undefined;

/** zxcvbn-ts and its dictionaries are large: loaded on first keystroke, not with the page. */
function loadChecker(): Promise<Checker> {
  loading ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(([core, common, en]) => {
    const zxcvbn = new core.ZxcvbnFactory({
      translations: en.translations,
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
    });
    return (password, userInputs) => {
      const result = zxcvbn.check(password, userInputs);
      return { score: result.score, warning: result.feedback.warning };
    };
  });
  return loading;
}

/** A strength meter: advice only; the server's policy decides. */
export function PasswordStrength({ password, email }: { password: string; email: string }) {
  const [strength, setStrength] = useState<Strength | null>(null);

  useEffect(() => {
    if (!password) {
      setStrength(null);
      return;
    }
    let cancelled = false;
    loadChecker()
      .then((check) => {
        if (!cancelled)
          setStrength(check(password.slice(0, PASSWORD_MAX), [email, email.split('@')[0] ?? '']));
      })
      .catch(() => setStrength(null));
    return () => {
      cancelled = true;
    };
  }, [password, email]);

  if (!strength)
    return (
      <span className="strength strength-empty">Use 12 or more characters; a passphrase works well.</span>
    );
  return (
    <span className="strength" data-score={strength.score}>
      <span className="strength-bar" aria-hidden="true">
        {[0, 1, 2, 3].map((i) => (
          <span key={i} className={i < strength.score ? 'on' : undefined} />
        ))}
      </span>
      <span>
        Strength: {LABELS[strength.score]}
        {strength.warning ? ` (${strength.warning.replace(/\.$/, '')})` : ''}
      </span>
    </span>
  );
}
