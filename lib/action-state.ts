import type { Failure } from './failure';
import { invalidCodeWithAttempts, messages, tooManyAttempts } from './messages';

/**
 * What every form action returns for an expected failure; success redirects instead, or carries
 * what the form shows next (`Extra`: new backup codes, the address a link went to).
 * `values` echoes back only fields that are safe to show again (never a password or code).
 * Client-safe: forms import it too.
 */
export type ActionState<Extra extends object = object> = {
  ok: boolean;
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
} & Partial<Extra>;

export const initialState: ActionState = { ok: false };

/** The words for a failure, in one place: every action maps lib/ results through here. */
export function failureMessage(failure: Failure, nowMs = Date.now()): string {
  if (failure.kind === 'rate_limited') return tooManyAttempts(failure.retryAt, nowMs);
  if (failure.attemptsLeft !== undefined) return invalidCodeWithAttempts(failure.attemptsLeft);
  return messages[failure.kind];
}

/** A failure as form state: on its field when it names one, else for the whole form. */
export function toActionState(failure: Failure, values?: Record<string, string>): ActionState {
  const message = failureMessage(failure);
  const field = failure.kind === 'rate_limited' ? undefined : failure.field;
  return field
    ? { ok: false, fieldErrors: { [field]: message }, ...(values ? { values } : {}) }
    : { ok: false, error: message, ...(values ? { values } : {}) };
}
