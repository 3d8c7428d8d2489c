import { describe, expect, it } from 'vitest';
import { appLink, splitLinks } from './links';

const APP = 'https://auth.example.com';

describe('appLink', () => {
  it('builds an absolute link on APP_URL from a path', () => {
    expect(appLink('/reset-password/abc123', APP)).toBe('https://auth.example.com/reset-password/abc123');
    expect(appLink('/verify-email/t?x=1#y', APP)).toBe('https://auth.example.com/verify-email/t?x=1#y');
    // The origin only: a path or query in APP_URL does not leak into the link.
    expect(appLink('/a', 'http://localhost:3000/ignored?q')).toBe('http://localhost:3000/a');
  });

  it('uses APP_URL from the settings by default (never a request Host header)', () => {
    expect(appLink('/reset-password/t')).toBe('http://localhost:3000/reset-password/t');
  });

  it.each([
    'https://evil.example/reset',
    '//evil.example/reset',
    '/\\evil.example',
    '\\\\evil.example',
    'reset-password/t',
    '',
    'javascript:alert(1)',
    '/\t/evil.example',
    '/reset\npassword',
    '/a/..//evil.example',
    'http://auth.example.com/reset',
  ])('refuses %j', (path) => {
    expect(() => appLink(path, APP)).toThrow(TypeError);
  });
});

describe('splitLinks', () => {
  it('turns links to the app into links and keeps the rest as text', () => {
    const parts = splitLinks(`Reset it here:\n${APP}/reset-password/abc.\nThanks`, APP);
    expect(parts).toEqual([
      { kind: 'text', text: 'Reset it here:\n' },
      { kind: 'link', text: `${APP}/reset-password/abc`, href: `${APP}/reset-password/abc` },
      { kind: 'text', text: '.\nThanks' },
    ]);
  });

  it('leaves links to any other origin, scheme or port as text', () => {
    for (const other of [
      'https://evil.example/x',
      'http://auth.example.com/x',
      'https://auth.example.com:8443/x',
      'https://auth.example.com.evil.example/x',
      'https://auth.example.com@evil.example/x',
    ]) {
      expect(splitLinks(`go to ${other} now`, APP)).toEqual([{ kind: 'text', text: `go to ${other} now` }]);
    }
    expect(splitLinks('javascript:alert(1)', APP)).toEqual([{ kind: 'text', text: 'javascript:alert(1)' }]);
  });

  it('handles several links and no text at all', () => {
    expect(splitLinks('', APP)).toEqual([]);
    const parts = splitLinks(`${APP}/a ${APP}/b`, APP);
    expect(parts.map((p) => p.kind)).toEqual(['link', 'text', 'link']);
  });
});
