/**
 * Open-redirect guard for `?callbackUrl=`: only a path on this origin is followed; anything else
 * (absolute URLs, protocol-relative `//evil`, backslash tricks, control characters) becomes the
 * default. Used by middleware, the login page and, again, the action after sign-in.
 */
export const DEFAULT_AFTER_LOGIN = '/dashboard';
/** Longer is no path of this app; forms cap the field at the same length. */
export const CALLBACK_URL_MAX = 2048;

export function safeCallbackUrl(raw: unknown, fallback = DEFAULT_AFTER_LOGIN): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > CALLBACK_URL_MAX) return fallback;
  // Browsers treat "\" like "/" and drop tabs/newlines, so "/\evil.com" and "/\t/evil.com" escape.
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\') || hasControlCharacter(raw)) {
    return fallback;
  }
  const base = 'http://latchkey.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Parsing resolves dot segments ("/a/..//evil.com" → "//evil.com"): check the result again.
  if (path.startsWith('//')) return fallback;
  // Sending someone back to a sign-in page after signing in would only loop.
  if (url.pathname === '/login' || url.pathname.startsWith('/login/') || url.pathname === '/register') {
    return fallback;
  }
  return path;
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
