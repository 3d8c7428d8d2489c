import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import type { ActionState } from '@/lib/action-state';
import { AccountLockedError } from '@/lib/auth/account-lock';
import { getSession, type SessionDTO } from '@/lib/auth/dal';
import { isDatabaseUnavailable } from '@/lib/db/outage';
import { runTrackingWrites, type WriteTracker } from '@/lib/db/write-tracking';
import { describeFailure } from '@/lib/log';
import { messages } from '@/lib/messages';

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** Read exactly the schema's fields from the form; anything else sent along is ignored. */
function readFields(schema: ObjectSchema, formData: FormData): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = formData.get(key);
    if (value !== null) raw[key] = value;
  }
  return raw;
}

function echo(raw: Record<string, unknown>, keep: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of keep) {
    const value = raw[key];
    if (typeof value === 'string') values[key] = value.slice(0, 320);
  }
  return values;
}

/**
 * One wrapper for every action (the SaaS starter's validatedAction): the same zod schema the form
 * uses, `safeParse`, first message per field; a bug becomes a generic error, never a 500 page
 * and never an echo of the input. redirect() passes through.
 */
export function validatedAction<S extends ObjectSchema, X extends object = object>(
  schema: S,
  options: { echo?: readonly (keyof z.input<S> & string)[] },
  handler: (data: z.output<S>, values: Record<string, string>) => Promise<ActionState<X>>,
) {
  return gatedAction<S, X, null>(
    schema,
    options,
    async () => ({ pass: null }),
    (data, _pass, values) => handler(data, values),
  );
}

/** What a gate decides before the input is read: go on with what it found, or this answer. */
type Gate<X extends object, P> = { pass: P } | { refuse: ActionState<X> };

function gatedAction<S extends ObjectSchema, X extends object, P>(
  schema: S,
  options: { echo?: readonly (keyof z.input<S> & string)[] },
  gate: (values: Record<string, string>) => Promise<Gate<X, P>>,
  handler: (data: z.output<S>, pass: P, values: Record<string, string>) => Promise<ActionState<X>>,
) {
  type T = ActionState<X>;
  return async (_prev: T, formData: FormData): Promise<T> => {
    // Callable by anyone with any arguments (a form of another page, a hand-made call): only a
    // form's data is read; anything else is a request this action does not answer.
    if (!(formData instanceof FormData)) return { ok: false, error: messages.badRequest } as T;
    const raw = readFields(schema, formData);
    const values = echo(raw, options.echo ?? []);
    const writes: WriteTracker = { mayHaveWritten: false };
    try {
      // Who is asking comes first: a refused caller learns nothing about the input's rules.
      const gated = await gate(values);
      if ('refuse' in gated) return gated.refuse;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const fieldErrors: Record<string, string> = {};
        for (const issue of parsed.error.issues) {
          const key = String(issue.path[0] ?? 'form');
          fieldErrors[key] ??= issue.message;
        }
        return { ok: false, fieldErrors, values } as T;
      }
      return await runTrackingWrites(writes, () => handler(parsed.data, gated.pass, values));
    } catch (error) {
      unstable_rethrow(error);
      // A session refused at its start because the account is locked (every flow that starts one
      // ends in createSession): the flow passed its checks, so the person may hear why.
      if (error instanceof AccountLockedError)
        return { ok: false, error: messages.accountLocked, values } as T;
      console.error('latchkey: action failed:', describeFailure(error));
      if (isDatabaseUnavailable(error)) {
        // "Nothing was changed" only while no write can have reached the database.
        const message = writes.mayHaveWritten
          ? messages.serviceUnavailableAfterWrite
          : messages.serviceUnavailable;
        return { ok: false, error: message, values } as T;
      }
      return { ok: false, error: messages.serverError, values } as T;
    }
  };
}

/**
 * The same, for signed-in users: the session is checked again here, whatever middleware did, and
 * before the input is read. An account the two-factor policy holds (lib/auth/mfa-policy.ts,
 * `enforced`) is refused too, unless the action is a step of the set-up (`duringEnrollment`):
 * every action is covered unless it says otherwise.
 */
export function authenticatedAction<S extends ObjectSchema, X extends object = object>(
  schema: S,
  options: { echo?: readonly (keyof z.input<S> & string)[]; duringEnrollment?: boolean },
  handler: (
    data: z.output<S>,
    session: SessionDTO,
    values: Record<string, string>,
  ) => Promise<ActionState<X>>,
) {
  return gatedAction<S, X, SessionDTO>(
    schema,
    options,
    async (values) => {
      const session = await getSession();
      // Partial extras: a failure without them is a valid state of any action.
      if (!session) return { refuse: { ok: false, error: messages.sessionEnded, values } as ActionState<X> };
      if (session.mfaPolicy.kind === 'enforced' && !options.duringEnrollment) {
        return { refuse: { ok: false, error: messages.mfaEnrollmentRequired, values } as ActionState<X> };
      }
      return { pass: session };
    },
    handler,
  );
}
