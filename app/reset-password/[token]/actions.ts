'use server';

import { redirect } from 'next/navigation';
import { toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { resetPassword } from '@/lib/auth/password-reset';
import { clearSessionCookieOf } from '@/lib/auth/session-cookie';
import { requestContext } from '@/lib/http/request-context';
import { resetPasswordSchema } from '@/lib/validation/reset';

/** Nothing typed here is echoed back: both fields are secrets. */
export const resetPasswordAction = validatedAction(
  resetPasswordSchema,
  {},
  async ({ token, newPassword, code }) => {
    const result = await resetPassword(token, newPassword, code, await requestContext());
    if (!result.ok) return toActionState(result);
    // This browser's own session of the account was revoked with the others; drop its cookie
    // too, or middleware would send /login on to /dashboard and the notice would be lost. A
    // browser signed in as someone else (the link was opened there) keeps its session.
    await clearSessionCookieOf(result.userId);
    // Not signed in: the next sign-in asks for the new password (and the second factor).
    redirect('/login?notice=password-reset');
  },
);
