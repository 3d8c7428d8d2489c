import type { z } from 'zod';
import {
  apiLoginSchema,
  apiMfaDisableSchema,
  apiMfaEnableSchema,
  apiMfaSetupSchema,
  apiMfaVerifySchema,
  apiRefreshSchema,
  apiRegisterSchema,
  meSchema,
  mfaEnabledSchema,
  mfaRequiredSchema,
  mfaSetupSchema,
  registeredSchema,
  sessionListSchema,
  tokensSchema,
} from '@/lib/validation/api';
import { z as zod } from '@/lib/validation/zod';

/**
 * Every /api/v1 operation, once: its route handler takes the body schema and `auth` from here
 * (lib/api/route.ts), and the OpenAPI document is made from the same objects (./openapi.ts).
 * `errors` lists the refusals it can answer with, for the document.
 */
export type Operation<
  S extends z.ZodType | undefined = z.ZodType | undefined,
  A extends boolean = boolean,
> = {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  /** A bearer access token whose session is live, or nothing at all. */
  auth: A;
  /**
   * Open to an account the two-factor policy holds (past its grace period, two-factor off):
   * the set-up, signing out, and `me`. Every other bearer operation answers 403
   * mfa_enrollment_required to it (lib/api/route.ts).
   */
  duringEnrollment?: true;
  body: S;
  ok: { status: 200 | 201 | 204; description: string; schema?: z.ZodType };
  errors: Partial<Record<400 | 401 | 403 | 404 | 409 | 429, string>>;
};

const op = <S extends z.ZodType | undefined, A extends boolean>(o: Operation<S, A>) => o;

const limited = { 429: 'rate_limited: too many attempts (Retry-After says when to try again)' } as const;
const signedIn = {
  401: 'invalid_token: missing, invalid or expired access token, or its session ended',
} as const;
/** Every bearer operation not open during enrollment (`duringEnrollment`) can answer this too. */
const bearer = {
  ...signedIn,
  403: 'mfa_enrollment_required: your role requires two-factor authentication and its grace period has passed; set it up (POST /api/v1/mfa/setup, then /api/v1/mfa/enable) first',
} as const;

export const operations = {
  register: op({
    method: 'post',
    path: '/api/v1/auth/register',
    summary: 'Create an account (then sign in with POST /api/v1/auth/login)',
    auth: false,
    body: apiRegisterSchema,
    ok: { status: 201, description: 'Created', schema: registeredSchema },
    errors: { 400: 'invalid_input (fields say which)', 409: 'email_taken', ...limited },
  }),
  login: op({
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Sign in with a password: tokens, or a challenge when two-factor is on',
    auth: false,
    body: apiLoginSchema,
    ok: {
      status: 200,
      description: 'Tokens, or mfaRequired with a challenge token for POST /api/v1/auth/mfa/verify',
      schema: zod.union([tokensSchema, mfaRequiredSchema]),
    },
    errors: {
      400: 'invalid_input',
      401: 'invalid_credentials',
      403: 'account_locked (the right password, but an administrator locked the account)',
      ...limited,
    },
  }),
  mfaVerify: op({
    method: 'post',
    path: '/api/v1/auth/mfa/verify',
    summary: 'The second step: an authenticator code or a backup code against the challenge',
    auth: false,
    body: apiMfaVerifySchema,
    ok: { status: 200, description: 'Tokens', schema: tokensSchema },
    errors: {
      400: 'invalid_input',
      401: 'invalid_code (5 per challenge), challenge_expired or challenge_exhausted (sign in again)',
      403: 'account_locked (locked by an administrator since the password step)',
      ...limited,
    },
  }),
  refresh: op({
    method: 'post',
    path: '/api/v1/auth/token/refresh',
    summary: 'A new token pair for a refresh token, which stops working',
    auth: false,
    body: apiRefreshSchema,
    ok: { status: 200, description: 'Tokens', schema: tokensSchema },
    errors: {
      400: 'invalid_input',
      401: 'invalid_token (unknown, expired, or its session ended); refresh_token_reused (used before: the session is now ended)',
    },
  }),
  logout: op({
    method: 'post',
    path: '/api/v1/auth/logout',
    summary: 'End this session',
    auth: true,
    duringEnrollment: true,
    body: undefined,
    ok: { status: 204, description: 'Ended' },
    errors: { ...signedIn },
  }),
  logoutAll: op({
    method: 'post',
    path: '/api/v1/auth/logout-all',
    summary: 'End every session of the account, web sessions too',
    auth: true,
    duringEnrollment: true,
    body: undefined,
    ok: { status: 204, description: 'Ended' },
    errors: { ...signedIn },
  }),
  me: op({
    method: 'get',
    path: '/api/v1/me',
    summary: 'The signed-in account',
    auth: true,
    duringEnrollment: true,
    body: undefined,
    ok: { status: 200, description: 'The account and the roles it holds', schema: meSchema },
    errors: { ...signedIn },
  }),
  mfaSetup: op({
    method: 'post',
    path: '/api/v1/mfa/setup',
    summary: 'Start authenticator set-up (password first); the secret to scan or type',
    auth: true,
    duringEnrollment: true,
    body: apiMfaSetupSchema,
    ok: { status: 200, description: 'A pending secret', schema: mfaSetupSchema },
    errors: {
      ...signedIn,
      400: 'invalid_input',
      403: 'step_up_failed: the password is not correct',
      409: 'mfa_already_enabled',
      ...limited,
    },
  }),
  mfaEnable: op({
    method: 'post',
    path: '/api/v1/mfa/enable',
    summary: 'Turn two-factor on with a code from the pending secret',
    auth: true,
    duringEnrollment: true,
    body: apiMfaEnableSchema,
    ok: { status: 200, description: 'On: backup codes (once) and new tokens', schema: mfaEnabledSchema },
    errors: { ...signedIn, 400: 'invalid_input; invalid_code (fields.code)', ...limited },
  }),
  mfaDisable: op({
    method: 'post',
    path: '/api/v1/mfa/disable',
    summary: 'Turn two-factor off (password and a current code)',
    auth: true,
    body: apiMfaDisableSchema,
    ok: { status: 204, description: 'Off' },
    errors: {
      ...bearer,
      400: 'invalid_input',
      403: 'step_up_failed; mfa_required_by_role: your role requires two-factor authentication, so it cannot be turned off; mfa_enrollment_required',
      ...limited,
    },
  }),
  sessions: op({
    method: 'get',
    path: '/api/v1/sessions',
    summary: "The account's live sessions, web and API, this one first",
    auth: true,
    body: undefined,
    ok: { status: 200, description: 'Sessions', schema: sessionListSchema },
    errors: { ...bearer },
  }),
  revokeSession: op({
    method: 'delete',
    path: '/api/v1/sessions/{id}',
    summary: 'End one session of the account',
    auth: true,
    body: undefined,
    ok: { status: 204, description: 'Ended' },
    errors: { ...bearer, 404: 'not_found: no live session of this account has this id' },
  }),
} as const;
