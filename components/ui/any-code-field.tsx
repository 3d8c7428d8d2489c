import type { ComponentProps } from 'react';
import { Field } from './field';

type AnyCodeFieldProps = Omit<ComponentProps<typeof Field>, 'label'> & { label?: string };

/**
 * Where either kind of second-factor code is accepted (step-up, email change, deletion, reset):
 * one field, named as the contract names it, that takes a 6-digit code or a backup code. Not
 * numeric-only, since backup codes have letters.
 */
export function AnyCodeField({
  label = 'Authentication code',
  hint = 'From your authenticator app, or one of your backup codes.',
  ...props
}: AnyCodeFieldProps) {
  return (
    <Field
      label={label}
      autoComplete="one-time-code"
      spellCheck={false}
      maxLength={16}
      required
      className="code-input"
      hint={hint}
      {...props}
    />
  );
}
