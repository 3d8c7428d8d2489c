'use client';

import { type ComponentProps, type Ref, useCallback, useEffect, useRef, useState } from 'react';
import { Field } from './field';
import { VisuallyHidden } from './visually-hidden';

type PasswordFieldProps = Omit<ComponentProps<typeof Field>, 'type' | 'addon'> & {
  /** react-hook-form's register() ref, or any ref: it gets the input. */
  ref?: Ref<HTMLInputElement>;
};

/**
 * A password input with a `Show password` toggle (aria-pressed) after it. The toggle is a plain
 * button (type="button": it never submits), its name comes from its text, not aria-label, so
 * the field stays the only thing labelled "Password". A mouse click on it leaves the caret in the
 * field; from the keyboard, focus stays on the toggle. Submitting hides the password again, so
 * it is not left readable on screen and password managers see a password field.
 */
export function PasswordField({ ref, id, ...props }: PasswordFieldProps) {
  const [shown, setShown] = useState(false);
  const inputRef = useRef<HTMLInputElement | null>(null);
  const setRef = useCallback(
    (element: HTMLInputElement | null) => {
      inputRef.current = element;
      if (typeof ref === 'function') ref(element);
      else if (ref) ref.current = element;
    },
    [ref],
  );

  useEffect(() => {
    const form = inputRef.current?.form;
    if (!form) return;
    const hide = () => setShown(false);
    form.addEventListener('submit', hide);
    return () => form.removeEventListener('submit', hide);
  }, []);

  return (
    <Field
      {...props}
      id={id}
      ref={setRef}
      type={shown ? 'text' : 'password'}
      addon={
        <button
          type="button"
          className="button button-secondary"
          aria-pressed={shown}
          aria-controls={id}
          onMouseDown={(event) => {
            // Typing, then a click to check: the caret stays where it was.
            if (document.activeElement === inputRef.current) event.preventDefault();
          }}
          onClick={() => setShown((s) => !s)}
        >
          Show<VisuallyHidden> password</VisuallyHidden>
        </button>
      }
    />
  );
}
