import { describe, expect, it } from 'vitest';
import { DEFAULT_AFTER_LOGIN, safeCallbackUrl } from './callback-url';

describe('safeCallbackUrl', () => {
  it.each([
    ['/dashboard', '/dashboard'],
    ['/settings/security', '/settings/security'],
    ['/settings/security?tab=sessions', '/settings/security?tab=sessions'],
    ['/settings/security?tab=sessions#activity', '/settings/security?tab=sessions#activity'],
    ['/dashboard#top', '/dashboard#top'],
    ['/a/../settings/security', '/settings/security'],
  ])('keeps the same-origin path %s', (raw, expected) => {
    expect(safeCallbackUrl(raw)).toBe(expected);
  });

  it.each([
    ['an absolute https URL', 'https://evil.com/dashboard'],
    ['an absolute URL to this app', 'http://localhost:3000/dashboard'],
    ['a protocol-relative URL', '//evil.com'],
    ['a protocol-relative URL with a path', '//evil.com/dashboard'],
    ['a backslash after the slash', '/\\evil.com'],
    ['a double backslash', '\\\\evil.com'],
    ['a tab between slashes', '/\t/evil.com'],
    ['a newline between slashes', '/\n/evil.com'],
    ['a carriage return', '/\r/evil.com'],
    ['a NUL byte', '/dash\u0000board'],
    ['DEL', '/\u007f/evil.com'],
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: with a leading slash trick', 'javascript://%0aalert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['a relative path without a slash', 'dashboard'],
    ['a leading space', ' /dashboard'],
    ['an empty string', ''],
    ['an over-long path', `/${'a'.repeat(2048)}`],
    ['the sign-in page', '/login'],
    ['the sign-in page with a query', '/login?callbackUrl=/dashboard'],
    ['the second sign-in step', '/login/verify'],
    ['the sign-in page reached through dot segments', '/dashboard/../login'],
    ['the sign-in page reached through encoded dot segments', '/x/%2e%2e/login'],
    ['the registration page', '/register'],
  ])('falls back to /dashboard for %s', (_label, raw) => {
    expect(safeCallbackUrl(raw)).toBe(DEFAULT_AFTER_LOGIN);
  });

  it.each([undefined, null, 42, {}, ['/dashboard'], new URL('http://latchkey.invalid/dashboard')])(
    'falls back for the non-string %j',
    (raw) => {
      expect(safeCallbackUrl(raw)).toBe('/dashboard');
    },
  );

  it('uses the given fallback', () => {
    expect(safeCallbackUrl('//evil.com', '/settings/security')).toBe('/settings/security');
  });

  it('never returns anything a browser would treat as another origin', () => {
    const attempts = [
      '//evil.com',
      '/\\evil.com',
      '/\t/evil.com',
      'https:evil.com',
      '/%09/evil.com',
      '/%2f/evil.com',
    ];
    for (const raw of attempts) {
      const result = safeCallbackUrl(raw);
      expect(new URL(result, 'https://app.example').origin, raw).toBe('https://app.example');
      expect(result.startsWith('//'), raw).toBe(false);
    }
  });

  // Dot segments are resolved by the URL parser, so "/.//evil.com" passes the prefix checks and
  // comes out of `new URL()` with the pathname "//evil.com": a protocol-relative redirect.
  it.each(['/.//evil.com', '/a/..//evil.com', '/%2e//evil.com', '/./\\evil.com'])(
    'does not turn %s into a protocol-relative URL (open redirect)',
    (raw) => {
      const result = safeCallbackUrl(raw);
      expect(result.startsWith('//')).toBe(false);
      expect(new URL(result, 'https://app.example').origin).toBe('https://app.example');
    },
  );
});
