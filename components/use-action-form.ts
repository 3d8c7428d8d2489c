'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { type FormEvent, startTransition, useActionState, useEffect, useRef } from 'react';
import { type FieldValues, type Resolver, useForm } from 'react-hook-form';
import type { z } from 'zod';
import { type ActionState, initialState } from '@/lib/action-state';

/**
 * react-hook-form validates with the same zod schema the action parses; the form still posts
 * real FormData to the server action (so it works before hydration, too). Nothing typed is lost:
 * the form is never reset on an error, and the first problem gets focus.
 */
export function useActionForm<S extends z.ZodType<FieldValues, FieldValues>>(
  schema: S,
  action: (state: ActionState, formData: FormData) => Promise<ActionState>,
) {
  const [state, formAction, pending] = useActionState(action, initialState);
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: zodResolver(schema as never) as unknown as Resolver<z.input<S>, unknown, z.output<S>>,
    // Validate on submit, then live as the person corrects. Not on blur: an error appearing on
    // blur shifts the layout under a pointer on its way to the submit button, eating the click.
    mode: 'onSubmit',
    reValidateMode: 'onChange',
    shouldFocusError: false,
  });
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);

  // After a server answer, move focus to the first field it complains about, else to the alert.
  useEffect(() => {
    if (state === initialState || pending) return;
    const field = Object.keys(state.fieldErrors ?? {})[0];
    const input = field ? formRef.current?.querySelector<HTMLInputElement>(`[name="${field}"]`) : null;
    if (input) input.focus();
    else if (state.error) alertRef.current?.focus();
  }, [state, pending]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    void form.handleSubmit(
      () => {
        startTransition(() => formAction(new FormData(element)));
      },
      (errors) => {
        // The first invalid field in reading order, not in schema order.
        const first = Array.from(element.elements).find(
          (el): el is HTMLInputElement => el instanceof HTMLInputElement && el.name in errors,
        );
        first?.focus();
      },
    )(event);
  };

  const errorFor = (name: string): string | undefined => {
    const clientError = (form.formState.errors as Record<string, { message?: string } | undefined>)[name];
    return clientError?.message ?? state.fieldErrors?.[name];
  };

  return { state, pending, form, formRef, alertRef, formAction, onSubmit, errorFor };
}
