/**
 * Per-request security headers for pages, set by middleware.ts. Edge-safe: Web Crypto only.
 * The headers that never change (X-Frame-Options, nosniff, Referrer-Policy, Permissions-Policy,
 * Cross-Origin-Opener-Policy) are in next.config.ts.
 */

/** 128 random bits, base64: a fresh one per response, so an injected script cannot know it. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export type PageHeaderOptions = { nonce: string; https: boolean; dev: boolean };

/**
 * A strict CSP (web.dev "strict CSP", the Next.js nonce guide): scripts run only with this
 * response's nonce, and scripts those load ('strict-dynamic': Next's runtime adds its chunks);
 * no 'unsafe-inline' for scripts, so an injected <script> or onclick= does nothing.
 * - style-src: Next puts the nonce on the styles it inlines; style attributes (React's `style`
 *   prop) cannot carry one, hence style-src-attr 'unsafe-inline'. They cannot run code, and with
 *   img-src/font-src limited to this origin they cannot send anything elsewhere.
 * - img-src data: for the authenticator QR code; base-uri 'none' so an injected <base> cannot
 *   move the app's relative URLs; form-action 'self' so an injected form cannot post elsewhere.
 * - Development only: 'unsafe-eval', which React's dev build needs for its error stacks, and
 *   inline <style> without the nonce, which Next's dev overlay injects (a nonce in the directive
 *   would make browsers ignore 'unsafe-inline').
 */
export function contentSecurityPolicy({ nonce, https, dev }: PageHeaderOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ];
  // Over plain http (localhost) there is nothing to upgrade to.
  if (https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** What a page response carries; HSTS only over https (browsers ignore it over http anyway). */
export function pageSecurityHeaders(options: PageHeaderOptions): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    // Two years, subdomains too: the value hstspreload.org asks for (without `preload`, which is
    // a decision for whoever owns the domain).
    ...(options.https ? { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}
