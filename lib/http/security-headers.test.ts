import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, newNonce, pageSecurityHeaders } from './security-headers';

/** The policy as directive → sources, so assertions do not depend on order or spacing. */
function parse(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

const production = { nonce: 'bm9uY2Utb25l', https: false, dev: false };

describe('contentSecurityPolicy', () => {
  it("lets scripts run only with this response's nonce and what those load, never inline ones", () => {
    const scriptSrc = parse(contentSecurityPolicy(production)).get('script-src');
    expect(scriptSrc).toEqual(["'self'", "'nonce-bm9uY2Utb25l'", "'strict-dynamic'"]);
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
  });

  it('closes what a strict policy closes', () => {
    const csp = parse(contentSecurityPolicy(production));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    // data: for the authenticator QR code, nothing from elsewhere.
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('allows inline style attributes, but <style> elements only with the nonce', () => {
    const csp = parse(contentSecurityPolicy(production));
    expect(csp.get('style-src')).toEqual(["'self'", "'nonce-bm9uY2Utb25l'"]);
    expect(csp.get('style-src-attr')).toEqual(["'unsafe-inline'"]);
  });

  it("relaxes in development only ('unsafe-eval' for React, inline <style> for Next's overlay)", () => {
    const dev = parse(contentSecurityPolicy({ ...production, dev: true }));
    expect(dev.get('script-src')).toEqual([
      "'self'",
      "'nonce-bm9uY2Utb25l'",
      "'strict-dynamic'",
      "'unsafe-eval'",
    ]);
    expect(dev.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('asks for upgrade-insecure-requests over https only', () => {
    expect(parse(contentSecurityPolicy(production)).has('upgrade-insecure-requests')).toBe(false);
    expect(
      parse(contentSecurityPolicy({ ...production, https: true })).has('upgrade-insecure-requests'),
    ).toBe(true);
  });
});

describe('pageSecurityHeaders', () => {
  it('sends Strict-Transport-Security only when the app is served over https', () => {
    expect(pageSecurityHeaders({ ...production, https: true })).toEqual({
      'Content-Security-Policy': contentSecurityPolicy({ ...production, https: true }),
      'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
    });
    expect(pageSecurityHeaders(production)).toEqual({
      'Content-Security-Policy': contentSecurityPolicy(production),
    });
  });
});

describe('newNonce', () => {
  it('is 128 random bits in base64, different every time', () => {
    const nonces = Array.from({ length: 1_000 }, newNonce);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(new Set(nonces).size).toBe(1_000);
  });
});
