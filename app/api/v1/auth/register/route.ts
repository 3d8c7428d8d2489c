import { failureError } from '@/lib/api/errors';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';
import { apiRegister } from '@/lib/api/sign-in';

export const POST = apiRoute(operations.register, async ({ body, ctx }) => {
  const result = await apiRegister(body.email, body.password, ctx);
  if (!result.ok) throw failureError(result);
  return { status: 201, body: { user: result.user } };
});
export const OPTIONS = apiPreflight('POST');
