import { ApiError, failureError } from '@/lib/api/errors';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';
import { apiRefresh } from '@/lib/api/sign-in';

export const POST = apiRoute(operations.refresh, async ({ body, ctx }) => {
  const result = await apiRefresh(body.refreshToken, ctx);
  if (result.ok) return { status: 200, body: result.tokens };
  if (result.kind === 'rate_limited') throw failureError(result);
  throw result.kind === 'reused'
    ? new ApiError(
        401,
        'refresh_token_reused',
        'This refresh token was used before, so its session has ended. Sign in again.',
      )
    : new ApiError(
        401,
        'invalid_token',
        'This refresh token is not valid (unknown, expired, or its session ended). Sign in again.',
      );
});
export const OPTIONS = apiPreflight('POST');
