import { signOutEverywhere } from '@/lib/api/account';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';

export const POST = apiRoute(operations.logoutAll, async ({ caller, ctx }) => {
  await signOutEverywhere(caller, ctx);
  return { status: 204 };
});
export const OPTIONS = apiPreflight('POST');
