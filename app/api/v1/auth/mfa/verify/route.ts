import { failureError } from '@/lib/api/errors';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';
import { apiVerifySecondStep } from '@/lib/api/sign-in';

export const POST = apiRoute(operations.mfaVerify, async ({ body, ctx }) => {
  const result = await apiVerifySecondStep(body.challengeToken, body.code, ctx);
  if (!result.ok) throw failureError(result);
  return { status: 200, body: result.tokens };
});
export const OPTIONS = apiPreflight('POST');
