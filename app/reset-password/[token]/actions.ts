'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { toActionState } from '@/lib/action-state';
import { validatedAction } from '@/lib/actions';
import { readSessionCookie, sessionCookieName, sessionCookieOptions } from '@/lib/auth/auth.config';
import { resetPassword } from '@/lib/auth/password-reset';
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
    // too, or middleware would send /login on to /dashboard and the notice would be lost.
    const jar = await cookies();
    const claims = await readSessionCookie(jar.get(sessionCookieName())?.value);
    if (claims?.userId === result.userId) {
      jar.set(sessionCookieName(), '', { ...sessionCookieOptions(), maxAge: 0 });
    }
    // Not signed in: the next sign-in asks for the new password (and the second factor).
    redirect('/login?notice=password-reset');
  },
);
