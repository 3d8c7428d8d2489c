import { me } from '@/lib/api/account';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';

export const GET = apiRoute(operations.me, async ({ caller }) => ({ status: 200, body: await me(caller) }));
export const OPTIONS = apiPreflight('GET');
