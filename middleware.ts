import { type NextRequest, NextResponse } from 'next/server';
import { readSessionCookie, sessionCookieName } from '@/lib/auth/auth.config';
import { env, isHttps } from '@/lib/env';
import { newNonce, pageSecurityHeaders } from '@/lib/http/security-headers';

/**
 * Optimistic and cheap (edge runtime): decrypts the session JWT and redirects; it never asks the
 * database. lib/auth/dal.ts makes the real decision on every page and action, so a matcher slip
 * or a middleware bypass opens nothing.
 *
 * It also gives every page its Content-Security-Policy with a fresh nonce. Next reads the nonce
 * from the request's CSP header and puts it on its scripts, so the header goes both ways.
 */
const PROTECTED = ['/dashboard', '/settings'];
const SIGNED_OUT_ONLY = ['/login', '/register'];

const matches = (path: string, prefixes: string[]) =>
  prefixes.some((p) => path === p || path.startsWith(`${p}/`));

export async function middleware(request: NextRequest) {
  const headers = pageSecurityHeaders({
    nonce: newNonce(),
    https: isHttps(),
    dev: env().NODE_ENV === 'development',
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', headers['Content-Security-Policy'] ?? '');
  const response =
    (await signInRedirect(request)) ?? NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

async function signInRedirect(request: NextRequest): Promise<NextResponse | undefined> {
  const { pathname, search } = request.nextUrl;
  // Only these paths redirect: others need not pay for decrypting the cookie.
  if (!matches(pathname, PROTECTED) && !matches(pathname, SIGNED_OUT_ONLY)) return undefined;
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
  return undefined;
}

export const config = {
  matcher: [
    // The redirects, as before.
    '/dashboard/:path*',
    '/settings/:path*',
    '/login',
    '/register',
    // Every page, for its CSP nonce: not Next's static files and images, the route handlers under
    // /api (JSON; next.config.ts gives them a CSP of their own), nor public files and icons.
    '/((?!_next/static|_next/image|api/|.*\\.(?:ico|png|svg|txt|webmanifest)$).*)',
  ],
};
