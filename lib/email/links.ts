import { env } from '@/lib/env';

/**
 * An absolute link into this app for a mail. Built from APP_URL, never from a request's Host
 * header: a forged Host would otherwise send a reset token to someone else's server (the
 * classic password-reset poisoning). Only a same-origin path is accepted; anything else is a bug.
 */
export function appLink(path: string, appUrl: string = env().APP_URL): string {
  if (
    typeof path !== 'string' ||
    !path.startsWith('/') ||
    path.startsWith('//') ||
    path.includes('\\') ||
    hasControlCharacter(path)
  ) {
    throw new TypeError('appLink takes a path on this app, starting with a single "/"');
  }
  const base = new URL(appUrl);
  const url = new URL(path, base.origin);
  // Parsing resolves dot segments ("/a/..//evil.com"): check the result, not only the input.
  if (url.origin !== base.origin || url.pathname.startsWith('//')) {
    throw new TypeError('appLink takes a path on this app, starting with a single "/"');
  }
  return url.href;
}

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

/**
 * Splits a plain-text mail body into text and links, for showing it as a page: only http(s)
 * links to `origin` become links; any other URL stays text, so a message cannot turn the
 * outbox page into a launch pad for somewhere else.
 */
export function splitLinks(text: string, origin: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const raw = match[0].replace(TRAILING_PUNCTUATION, '');
    const start = match.index;
    const href = sameOriginHref(raw, origin);
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

function sameOriginHref(raw: string, origin: string): string | null {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin === new URL(origin).origin ? url.href : null;
  } catch {
    return null;
  }
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
