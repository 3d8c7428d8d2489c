import { type NextRequest, NextResponse } from 'next/server';
import { sessionCookieName, sessionCookieOptions } from '@/lib/auth/auth.config';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { getSession } from '@/lib/auth/dal';

/**
 * Where a page sends a request whose cookie names a revoked or expired session: clears the
 * cookie (pages cannot) and goes on to sign in. A still-valid session is left alone, so a link
 * here cannot sign anyone out.
 */
export async function GET(request: NextRequest) {
  const callbackUrl = safeCallbackUrl(request.nextUrl.searchParams.get('callbackUrl'));
  const target = request.nextUrl.clone();
  target.search = '';
  if (await getSession()) {
    target.pathname = '/dashboard';
    return NextResponse.redirect(target, 303);
  }
  target.pathname = '/login';
  target.searchParams.set('callbackUrl', callbackUrl);
  target.searchParams.set('ended', '1');
  const response = NextResponse.redirect(target, 303);
  response.cookies.set(sessionCookieName(), '', { ...sessionCookieOptions(), maxAge: 0 });
  return response;
}
