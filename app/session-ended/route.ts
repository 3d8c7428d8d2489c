import { type NextRequest, NextResponse } from 'next/server';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { getSession } from '@/lib/auth/dal';
import { clearSessionCookie } from '@/lib/auth/session-cookie';

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
  // Set through cookies(): Next adds it to the response this handler returns.
  await clearSessionCookie();
  return NextResponse.redirect(target, 303);
}
