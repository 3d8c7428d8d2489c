'use server';

import { redirect } from 'next/navigation';
import { deleteAccount } from '@/lib/account/delete';
import { toActionState } from '@/lib/action-state';
import { authenticatedAction } from '@/lib/actions';
import { clearSessionCookie } from '@/lib/auth/session-cookie';
import { requestContext } from '@/lib/http/request-context';
import { deleteAccountSchema } from '@/lib/validation/account';

// Where a deleted account's browser lands: the landing page, saying what happened (app/page.tsx).
// Not exported: a 'use server' module may export only actions.
const DELETED_NOTICE_PATH = '/?deleted=1';

/**
 * Delete the signed-in account. Its sessions went with it (every other browser is refused from
 * its next request on); this browser's cookie is cleared the way sign-out clears it.
 */
export const deleteAccountAction = authenticatedAction(
  deleteAccountSchema,
  {},
  async ({ password, code }, session) => {
    const result = await deleteAccount(
      { id: session.userId, email: session.email, sessionId: session.id },
      password,
      code,
      await requestContext(),
    );
    if (!result.ok) return toActionState(result);
    await clearSessionCookie();
    redirect(DELETED_NOTICE_PATH);
  },
);
