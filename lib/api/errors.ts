import { failureMessage } from '@/lib/action-state';
import type { Failure } from '@/lib/failure';
import { type MessageKey, messages } from '@/lib/messages';

/**
 * /api/v1's one error shape, `{ error: { code, message, fields? } }`: `code` is for programs
 * (stable, snake_case), `message` for people (the web forms' own words, lib/messages.ts),
 * `fields` for input that did not validate. Never a stack, a query or a secret.
 */
export type ApiErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

export class ApiError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly fields?: Record<string, string>,
    readonly headers: Record<string, string> = {},
  ) {}

  body(): ApiErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) },
    };
  }
}

/**
 * Status and code of each refusal the flows return. A refusal about one field of the input is a
 * 400 with `fields`; the credential and code refusals keep their single wording (no hint that
 * separates an unknown address from a wrong password).
 */
const REFUSALS: Partial<Record<MessageKey, [status: number, code: string]>> = {
  invalidCredentials: [401, 'invalid_credentials'],
  invalidCode: [401, 'invalid_code'],
  challengeExpired: [401, 'challenge_expired'],
  challengeExhausted: [401, 'challenge_exhausted'],
  emailTaken: [409, 'email_taken'],
  mfaAlreadyOn: [409, 'mfa_already_enabled'],
  accountLocked: [403, 'account_locked'],
  currentPasswordWrong: [403, 'step_up_failed'],
  stepUpFailed: [403, 'step_up_failed'],
  mfaRequiredByRole: [403, 'mfa_required_by_role'],
};

export function failureError(failure: Failure, nowMs = Date.now()): ApiError {
  const message = failureMessage(failure, nowMs);
  if (failure.kind === 'rate_limited') {
    const seconds = Math.max(1, Math.ceil((failure.retryAt - nowMs) / 1000));
    return new ApiError(429, 'rate_limited', message, undefined, { 'Retry-After': String(seconds) });
  }
  const known = REFUSALS[failure.kind];
  const fields = failure.field ? { [failure.field]: message } : undefined;
  if (known) {
    const [status, code] = known;
    // A step-up's wrong password is about the request as a whole: 403, and no field to probe.
    return new ApiError(
      status === 401 && fields ? 400 : status,
      code,
      message,
      status === 403 ? undefined : fields,
    );
  }
  // Password policy and the like: a field that does not pass.
  return new ApiError(400, 'invalid_input', message, fields);
}

export const apiErrors = {
  invalidInput: (fields?: Record<string, string>) =>
    new ApiError(400, 'invalid_input', 'The request body is not valid.', fields),
  unauthenticated: () =>
    new ApiError(401, 'invalid_token', 'Missing, invalid or expired access token.', undefined, {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    }),
  notFound: () => new ApiError(404, 'not_found', 'Not found.'),
  mfaEnrollmentRequired: () => new ApiError(403, 'mfa_enrollment_required', messages.mfaEnrollmentRequired),
  unavailable: () =>
    new ApiError(
      503,
      'service_unavailable',
      'Latchkey is temporarily unavailable; try again in a moment.',
      undefined,
      { 'Retry-After': '5' },
    ),
  server: () => new ApiError(500, 'server_error', 'Something went wrong on our side; please try again.'),
};
