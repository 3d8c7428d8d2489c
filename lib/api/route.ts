import 'server-only';
import type { z } from 'zod';
import { AccountLockedError } from '@/lib/auth/account-lock';
import { mfaPolicyOf } from '@/lib/auth/mfa-policy';
import { rolesHeld } from '@/lib/auth/roles';
import { type ActiveSession, validateSessionId } from '@/lib/auth/sessions';
import { isDatabaseUnavailable } from '@/lib/db/outage';
import { env } from '@/lib/env';
import { refused } from '@/lib/failure';
import { clientIp } from '@/lib/http/client-ip';
import type { RequestContext } from '@/lib/http/request-context';
import { describeFailure } from '@/lib/log';
import { verifyAccessToken } from './access-token';
import { ApiError, apiErrors, failureError } from './errors';
import type { Operation } from './operations';

/**
 * Every /api/v1 handler goes through here: CORS (off unless the origin is on the allowlist),
 * the JSON body parsed with the operation's zod schema (the same object the OpenAPI document is
 * made from), the bearer token checked against its session record on every call, one error
 * shape, and no cache. Cookies are never read: a browser's ambient credentials cannot act
 * here, so there is nothing for cross-site request forgery to use.
 */
export type Caller = { session: ActiveSession; amr: string[] };

type Input<S extends z.ZodType | undefined, A extends boolean> = {
  body: S extends z.ZodType ? z.output<S> : undefined;
  ctx: RequestContext;
  caller: A extends true ? Caller : null;
  params: Record<string, string>;
};
export type Reply = { status: 200 | 201; body: unknown } | { status: 204 };

/** Bodies are small: credentials, a code, a token. */
const MAX_BODY_BYTES = 16 * 1024;
// The scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

export function apiRoute<S extends z.ZodType | undefined, A extends boolean>(
  operation: Operation<S, A>,
  handler: (input: Input<S, A>) => Promise<Reply>,
) {
  return async (
    request: Request,
    context?: { params?: Promise<Record<string, string>> },
  ): Promise<Response> => {
    const cors = corsHeaders(request);
    try {
      const ctx = requestContextOf(request);
      const caller = operation.auth ? await authenticate(request) : null;
      if (operation.auth && !caller) throw apiErrors.unauthenticated();
      if (caller && !operation.duringEnrollment && (await enrollmentRequired(caller))) {
        throw apiErrors.mfaEnrollmentRequired();
      }
      const body = operation.body ? await readBody(request, operation.body) : undefined;
      const params = (await context?.params) ?? {};
      const reply = await handler({ body, ctx, caller, params } as Input<S, A>);
      const headers = { ...cors, 'Cache-Control': 'no-store' };
      return reply.status === 204
        ? new Response(null, { status: 204, headers })
        : Response.json(reply.body, { status: reply.status, headers });
    } catch (error) {
      return errorResponse(error, cors);
    }
  };
}

/** Preflight for browser clients on allowed origins; 204 without CORS headers for the rest. */
export function apiPreflight(methods: string) {
  return (request: Request): Response => {
    const cors = corsHeaders(request);
    const allowed = 'Access-Control-Allow-Origin' in cors;
    return new Response(null, {
      status: 204,
      headers: allowed
        ? {
            ...cors,
            'Access-Control-Allow-Methods': methods,
            'Access-Control-Allow-Headers': 'Authorization, Content-Type',
            'Access-Control-Max-Age': '600',
          }
        : cors,
    });
  };
}

function corsHeaders(request: Request): Record<string, string> {
  const origin = request.headers.get('origin');
  // Vary: Origin whatever the answer, so no cache hands one origin's answer to another.
  if (!origin || !env().API_CORS_ORIGINS.includes(origin)) return { Vary: 'Origin' };
  // No Allow-Credentials: the API takes bearer tokens only, never cookies. The two headers a
  // client needs to act on a refusal are not among those browsers expose by default.
  return {
    Vary: 'Origin',
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Expose-Headers': 'Retry-After, WWW-Authenticate',
  };
}

function requestContextOf(request: Request): RequestContext {
  return {
    ip: clientIp(request.headers, env().TRUST_PROXY_HOPS),
    userAgent: request.headers.get('user-agent')?.slice(0, 512) ?? null,
  };
}

/**
 * The caller of a bearer access token: a valid signature is not enough, its session must be
 * live (present, not revoked, not expired), an API session, and the token's own user's.
 */
async function authenticate(request: Request): Promise<Caller | null> {
  const match = BEARER.exec(request.headers.get('authorization') ?? '');
  if (!match?.[1]) return null;
  const claims = await verifyAccessToken(match[1]);
  if (!claims) return null;
  const session = await validateSessionId(claims.sid);
  if (!session || session.userId !== claims.sub || session.client !== 'api') return null;
  return { session, amr: claims.amr };
}

/**
 * The two-factor policy (lib/auth/mfa-policy.ts): after the grace period, an account whose role
 * requires two-factor reaches only the operations marked `duringEnrollment` (the set-up, sign-out,
 * `me`) until it is on. Every other bearer operation is refused, a new one too unless it says so.
 */
async function enrollmentRequired({ session }: Caller): Promise<boolean> {
  const policy = await mfaPolicyOf({
    userId: session.userId,
    rolesHeld: rolesHeld(session.role),
    mfaEnabled: session.mfaEnabled,
    policySince: session.mfaPolicySince,
  });
  return policy.kind === 'enforced';
}

async function readBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw apiErrors.invalidInput({ body: 'Send a JSON body with Content-Type: application/json' });
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw apiErrors.invalidInput({ body: 'The body is too large' });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw apiErrors.invalidInput({ body: 'The body is not valid JSON' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw apiErrors.invalidInput({ body: 'The body must be a JSON object' });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? 'body')] ??= issue.message;
    throw apiErrors.invalidInput(fields);
  }
  return parsed.data;
}

function errorResponse(error: unknown, cors: Record<string, string>): Response {
  let apiError: ApiError;
  if (error instanceof ApiError) apiError = error;
  // A session refused at its start (createSession) because the account is locked.
  else if (error instanceof AccountLockedError) apiError = failureError(refused('accountLocked'));
  else if (isDatabaseUnavailable(error)) apiError = apiErrors.unavailable();
  else {
    console.error('latchkey: api failed:', describeFailure(error));
    apiError = apiErrors.server();
  }
  return Response.json(apiError.body(), {
    status: apiError.status,
    headers: { ...cors, ...apiError.headers, 'Cache-Control': 'no-store' },
  });
}
