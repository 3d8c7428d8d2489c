import { describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { securityTxt, webManifest } from './public-files';

const SECRET = 'a-test-secret-that-is-long-enough-000';

/** RFC 9116 fields as name → values. */
function fields(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z-]+): (.+)$/.exec(line);
    if (m?.[1] && m[2]) out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  }
  return out;
}

describe('security.txt (RFC 9116)', () => {
  const now = new Date('2026-12-01T15:30:00Z');

  it('names the configured contact, once, and the canonical URL on the app origin', () => {
    const f = fields(
      securityTxt({ appUrl: 'https://auth.example.com/app', contact: 'https://example.com/report' }, now),
    );
    expect(f.get('Contact')).toEqual(['https://example.com/report']);
    expect(f.get('Canonical')).toEqual(['https://auth.example.com/.well-known/security.txt']);
    expect(f.get('Preferred-Languages')).toEqual(['en']);
  });

  it('falls back to security@ the app host when no contact is configured', () => {
    const f = fields(securityTxt({ appUrl: 'https://auth.example.com' }, now));
    expect(f.get('Contact')).toEqual(['mailto:security@auth.example.com']);
  });

  it('expires once, in the future but less than a year ahead, in RFC 3339 form', () => {
    const expires = fields(securityTxt({ appUrl: 'http://localhost:3000' }, now)).get('Expires') ?? [];
    expect(expires).toHaveLength(1);
    expect(expires[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const at = Date.parse(expires[0] ?? '');
    expect(at).toBeGreaterThan(now.getTime() + 90 * 86_400_000);
    expect(at).toBeLessThan(now.getTime() + 365 * 86_400_000);
  });

  it('accepts only mailto: or https: contacts, on one line', () => {
    const parse = (SECURITY_CONTACT: string) => () => parseEnv({ AUTH_SECRET: SECRET, SECURITY_CONTACT });
    expect(parse('mailto:security@example.com')().SECURITY_CONTACT).toBe('mailto:security@example.com');
    expect(parse('https://example.com/security')().SECURITY_CONTACT).toBe('https://example.com/security');
    expect(parse('http://example.com/security')).toThrow(/SECURITY_CONTACT/);
    expect(parse('mailto:a@b.example\nContact: mailto:evil@example.com')).toThrow(/SECURITY_CONTACT/);
    expect(parse('javascript:alert(1)')).toThrow(/SECURITY_CONTACT/);
  });
});

describe('web app manifest', () => {
  it('carries the configured app name and icons that exist in public/', async () => {
    const { existsSync } = await import('node:fs');
    const manifest = webManifest('Acme Accounts');
    expect(manifest.name).toBe('Acme Accounts');
    for (const icon of manifest.icons) expect(existsSync(`public${icon.src}`), icon.src).toBe(true);
  });
});
