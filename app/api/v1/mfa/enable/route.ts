import { turnOnTwoFactor } from '@/lib/api/account';
import { failureError } from '@/lib/api/errors';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';

export const POST = apiRoute(operations.mfaEnable, async ({ body, caller, ctx }) => {
  const result = await turnOnTwoFactor(caller, body.code, ctx);
  if (!result.ok) throw failureError(result);
  return { status: 200, body: result.body };
});
export const OPTIONS = apiPreflight('POST');
