import { getURLFromRedirectError } from 'next/dist/client/components/redirect';
import { isRedirectError } from 'next/dist/client/components/redirect-error';
import {
  appendMutableCookies,
  getModifiedCookieValues,
  MutableRequestCookiesAdapter,
} from 'next/dist/server/web/spec-extension/adapters/request-cookies';
import { RequestCookies, type ResponseCookies } from 'next/dist/server/web/spec-extension/cookies';

/**
 * A request scope for code that calls `cookies()` / `headers()` from next/headers outside Next
 * (vitest has no request to hang them on). A test file mocks the module with this one:
 *
 *   vi.mock('next/headers', () => import('@/tests/request-scope'));
 *
 * and starts each simulated request with `beginRequest({ cookie: value })`. The jar is built
 * from Next's own adapters, the ones its server actions and route handlers use: reads see what
 * the browser sent overlaid by what this request set, and `setCookieLines()` gives the exact
 * Set-Cookie lines Next would add to the response. Internal Next paths on purpose: a hand-made
 * jar could agree with our code and disagree with Next.
 */
type Scope = { headers: Headers; jar: ResponseCookies };

let scope: Scope = makeScope({});

function makeScope(browserCookies: Record<string, string>, extraHeaders: Record<string, string> = {}): Scope {
  const headers = new Headers({ host: 'localhost:3000', 'user-agent': 'vitest', ...extraHeaders });
  const cookieLine = Object.entries(browserCookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
  if (cookieLine) headers.set('cookie', cookieLine);
  return { headers, jar: MutableRequestCookiesAdapter.wrap(new RequestCookies(headers)) };
}

/** A new request from a browser holding `browserCookies`; nothing set by an earlier one carries over. */
export function beginRequest(
  browserCookies: Record<string, string> = {},
  extraHeaders: Record<string, string> = {},
): void {
  scope = makeScope(browserCookies, extraHeaders);
}

/** The cookies this request set or cleared, with their attributes (maxAge, secure, …). */
export function changedCookies() {
  return getModifiedCookieValues(scope.jar);
}

/** The Set-Cookie lines the response would carry, as Next serialises them. */
export function setCookieLines(): string[] {
  const response = new Headers();
  appendMutableCookies(response, scope.jar);
  return response.getSetCookie();
}

// The stand-ins for next/headers (same names, same promise-returning shape).
export async function cookies() {
  return scope.jar;
}

export async function headers() {
  return scope.headers;
}

/** A form post's body, as a server action receives it. */
export function formOf(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

/** Where a server action or page redirected: Next's redirect() throws, Next turns it into a 303. */
export async function redirectedTo(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    if (isRedirectError(error)) return getURLFromRedirectError(error);
    throw error;
  }
  throw new Error('expected a redirect, but the call returned');
}
