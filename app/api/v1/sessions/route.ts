import { sessionsOf } from '@/lib/api/account';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';

export const GET = apiRoute(operations.sessions, async ({ caller }) => ({
  status: 200,
  body: await sessionsOf(caller),
}));
export const OPTIONS = apiPreflight('GET');
