/**
 * What every form action returns for an expected failure; success redirects instead.
 * `values` echoes back only fields that are safe to show again (never a password or code).
 * Client-safe: forms import it too.
 */
export type ActionState = {
  ok: boolean;
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
};

export const initialState: ActionState = { ok: false };
