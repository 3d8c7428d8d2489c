import { turnOffTwoFactor } from '@/lib/api/account';
import { failureError } from '@/lib/api/errors';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';

export const POST = apiRoute(operations.mfaDisable, async ({ body, caller, ctx }) => {
  const result = await turnOffTwoFactor(caller, body.password, body.code, ctx);
  if (!result.ok) throw failureError(result);
  return { status: 204 };
});
export const OPTIONS = apiPreflight('POST');
