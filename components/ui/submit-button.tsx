import type { ReactNode } from 'react';

/** A submit button that shows and announces its pending state, and cannot be double-submitted. */
export function SubmitButton({
  pending,
  pendingLabel,
  children,
  variant = 'primary',
}: {
  pending: boolean;
  pendingLabel: string;
  children: ReactNode;
  variant?: 'primary' | 'secondary' | 'danger';
}) {
  return (
    <button type="submit" className={`button button-${variant}`} disabled={pending} aria-disabled={pending}>
      {pending ? (
        <>
          <span className="spinner" aria-hidden="true" />
          <span>{pendingLabel}</span>
        </>
      ) : (
        children
      )}
    </button>
  );
}
