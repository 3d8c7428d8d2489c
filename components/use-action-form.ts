'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { type FormEvent, startTransition, useActionState, useEffect, useRef, useState } from 'react';
import { type FieldErrors, type FieldValues, type Resolver, useForm } from 'react-hook-form';
import type { z } from 'zod';
import { type ActionState, initialState } from '@/lib/action-state';

/**
 * react-hook-form validates with the same zod schema the action parses; the form still posts
 * real FormData to the server action (so it works before hydration, too). Nothing typed is lost:
 * the form is never reset on an error, and the first problem gets focus.
 */
export function useActionForm<S extends z.ZodType<FieldValues, FieldValues>, T extends ActionState>(
  schema: S,
  action: (state: T, formData: FormData) => Promise<T>,
  options: { check?: ExtraCheck<z.input<S>> } = {},
) {
  // Every action state is an ActionState with optional extras, so the empty state fits all of them.
  const [state, formAction, pending] = useActionState<T, FormData>(action, initialState as Awaited<T>);
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: withCheck(
      zodResolver(schema as never) as unknown as Resolver<z.input<S>, unknown, z.output<S>>,
      options.check,
    ),
    // Validate on submit, then live as the person corrects. Not on blur: an error appearing on
    // blur shifts the layout under a pointer on its way to the submit button, eating the click.
    mode: 'onSubmit',
    reValidateMode: 'onChange',
    shouldFocusError: false,
  });
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  // Fields edited since the server's answer: its complaint about them is stale, so it goes. Kept
  // with the answer it belongs to, so the next answer starts clean.
  const [edited, setEdited] = useState<{ answer: T; names: ReadonlySet<string> }>({
    answer: state,
    names: new Set(),
  });
  const editedNow = edited.answer === state ? edited.names : new Set<string>();

  // The fields this render shows: errorFor is asked once per field on screen.
  const shown = new Set<string>();

  // After a server answer, move focus to the first field it complains about, else to the alert.
  useEffect(() => {
    if (state === initialState || pending) return;
    const field = Object.keys(state.fieldErrors ?? {})[0];
    const input = field ? formRef.current?.querySelector<HTMLInputElement>(`[name="${field}"]`) : null;
    if (input) input.focus();
    else alertRef.current?.focus();
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

  const onInput = (event: FormEvent<HTMLFormElement>) => {
    const name = (event.target as HTMLInputElement).name;
    if (!name || !state.fieldErrors?.[name] || editedNow.has(name)) return;
    setEdited({ answer: state, names: new Set([...editedNow, name]) });
  };

  const errorFor = (name: string): string | undefined => {
    shown.add(name);
    const clientError = (form.formState.errors as Record<string, { message?: string } | undefined>)[name];
    return clientError?.message ?? (editedNow.has(name) ? undefined : state.fieldErrors?.[name]);
  };

  /**
   * What the form shows at its top: the server's form-level error, and any field error for a
   * field this form does not show (say, a code asked for because two-factor was turned on in
   * another tab), so no refusal is ever dropped. Read after the fields have asked errorFor.
   */
  const formErrors = (): string[] => {
    const orphans = Object.entries(state.fieldErrors ?? {})
      .filter(([name]) => !shown.has(name))
      .map(([, message]) => message);
    return [...(state.error ? [state.error] : []), ...orphans];
  };

  return { state, pending, form, formRef, alertRef, formAction, onSubmit, onInput, errorFor, formErrors };
}

/**
 * A check the schema cannot make (it is asynchronous, or needs what only the browser has loaded,
 * like the password policy's dictionaries): field name to message, or null when all is well.
 */
export type ExtraCheck<V> = (values: V) => Promise<Record<string, string> | null>;

/** The schema first; the extra check adds errors only to fields the schema found nothing wrong with. */
function withCheck<V extends FieldValues, O>(
  resolver: Resolver<V, unknown, O>,
  check: ExtraCheck<V> | undefined,
): Resolver<V, unknown, O> {
  if (!check) return resolver;
  return async (values, context, options) => {
    const result = await resolver(values, context, options);
    const problems = Object.entries((await check(values)) ?? {}).filter(([name]) => !(name in result.errors));
    if (problems.length === 0) return result;
    const errors: Record<string, unknown> = { ...result.errors };
    for (const [name, message] of problems) errors[name] = { type: 'check', message };
    return { values: {}, errors: errors as FieldErrors<V> };
  };
}
