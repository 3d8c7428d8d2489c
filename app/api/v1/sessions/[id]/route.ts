import { endSession } from '@/lib/api/account';
import { apiErrors } from '@/lib/api/errors';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';
import { apiSessionIdSchema } from '@/lib/validation/api';

export const DELETE = apiRoute(operations.revokeSession, async ({ caller, ctx, params }) => {
  const parsed = apiSessionIdSchema.safeParse(params);
  if (!parsed.success || !(await endSession(caller, parsed.data.id, ctx))) throw apiErrors.notFound();
  return { status: 204 };
});
export const OPTIONS = apiPreflight('DELETE');
