import { type NextRequest, NextResponse } from 'next/server';
import { readSessionCookie, sessionCookieName } from '@/lib/auth/auth.config';

/**
 * Optimistic and cheap (edge runtime): decrypts the session JWT and redirects; it never asks the
 * database. lib/auth/dal.ts makes the real decision on every page and action, so a matcher slip
 * or a middleware bypass opens nothing.
 */
const PROTECTED = ['/dashboard', '/settings'];
const SIGNED_OUT_ONLY = ['/login', '/register'];

const matches = (path: string, prefixes: string[]) =>
  prefixes.some((p) => path === p || path.startsWith(`${p}/`));

export async function middleware(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const claims = await readSessionCookie(request.cookies.get(sessionCookieName())?.value);

  if (!claims && matches(pathname, PROTECTED)) {
    const url = request.nextUrl.clone();
    url.pathname = '/login';
    url.search = '';
    url.searchParams.set('callbackUrl', `${pathname}${search}`);
    return NextResponse.redirect(url, 307);
  }
  // Exactly /login and /register: the second-factor step (/login/verify) is reached signed out.
  if (claims && SIGNED_OUT_ONLY.includes(pathname)) {
    const url = request.nextUrl.clone();
    url.pathname = '/dashboard';
    url.search = '';
    return NextResponse.redirect(url, 307);
  }
  return NextResponse.next();
}

export const config = {
  matcher: ['/dashboard/:path*', '/settings/:path*', '/login', '/register'],
};
