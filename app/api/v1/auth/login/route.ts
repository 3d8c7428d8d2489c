import { failureError } from '@/lib/api/errors';
import { operations } from '@/lib/api/operations';
import { apiPreflight, apiRoute } from '@/lib/api/route';
import { apiLogin } from '@/lib/api/sign-in';

export const POST = apiRoute(operations.login, async ({ body, ctx }) => {
  const result = await apiLogin(body.email, body.password, ctx);
  if (!result.ok) throw failureError(result);
  if ('challengeToken' in result) {
    return {
      status: 200,
      body: { mfaRequired: true, challengeToken: result.challengeToken, methods: ['totp', 'backup_code'] },
    };
  }
  return { status: 200, body: result.tokens };
});
export const OPTIONS = apiPreflight('POST');
