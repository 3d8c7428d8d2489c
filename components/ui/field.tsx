import type { InputHTMLAttributes, ReactNode, Ref } from 'react';

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  id: string;
  label: string;
  ref?: Ref<HTMLInputElement>;
  error?: string;
  hint?: ReactNode;
  /** A control beside the input, after it in tab order (a password's "Show" toggle). */
  addon?: ReactNode;
};

/** A labelled input whose error is announced and tied to it (aria-invalid + aria-describedby). */
export function Field({ id, label, error, hint, addon, ...props }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const input = (
    <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...props} />
  );
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {addon ? (
        <div style={{ display: 'flex', gap: '0.5rem', alignItems: 'stretch' }}>
          <div style={{ display: 'grid', flex: 1, minWidth: 0 }}>{input}</div>
          {addon}
        </div>
      ) : (
        input
      )}
      {hint ? (
        <div id={hintId} className="field-hint">
          {hint}
        </div>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
