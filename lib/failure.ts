import type { MessageKey } from './messages';

/**
 * The one shape of an expected failure, from every domain function in lib/: `kind` is a key of
 * the messages map (words come last, in toActionState), plus what the words need. Only bugs throw.
 */
export type RateLimited = { ok: false; kind: 'rate_limited'; retryAt: number };

export type Refused<K extends MessageKey = MessageKey, F extends string = string> = {
  ok: false;
  kind: K;
  /** The form field the failure is about; absent for the form as a whole. */
  field?: F;
  /** For a wrong code at sign-in: how many tries the challenge has left. */
  attemptsLeft?: number;
};

export type Failure = RateLimited | Refused;

export function refused<K extends MessageKey, F extends string = never>(kind: K, field?: F): Refused<K, F> {
  return field === undefined ? { ok: false, kind } : { ok: false, kind, field };
}
