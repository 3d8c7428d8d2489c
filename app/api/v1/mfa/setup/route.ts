import { setUpTwoFactor } from '@/lib/api/account';
import { failureError } from '@/lib/api/errors';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';

export const POST = apiRoute(operations.mfaSetup, async ({ body, caller, ctx }) => {
  const result = await setUpTwoFactor(caller, body.password, ctx);
  if (!result.ok) throw failureError(result);
  return { status: 200, body: result.setup };
});
export const OPTIONS = apiPreflight('POST');
