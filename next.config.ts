import type { NextConfig } from 'next';
import { BODY_SIZE_LIMIT_BYTES } from './lib/http/body-size-limit.cjs';

// Headers that never change. Pages also get a Content-Security-Policy with a fresh nonce, and
// over https Strict-Transport-Security, from middleware.ts (lib/http/security-headers.ts).
const securityHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  // A page this one opens (or that opened it) gets no handle on its window: no tabnabbing, no
  // cross-window probing of a signed-in tab.
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
];

// Route handlers under /api answer JSON, never a page: nothing in them may load or run anything.
const apiHeaders = [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native and WASM modules stay outside the bundle: argon2 ships a .node binary, PGlite its WASM.
  experimental: {
    // 2 MB, from the one source server.mjs also uses: it answers larger bodies with 413 before
    // Next reads them (lib/http/body-size-limit.cjs says why this size).
    serverActions: { bodySizeLimit: BODY_SIZE_LIMIT_BYTES },
  },
  serverExternalPackages: ['@node-rs/argon2', '@electric-sql/pglite', 'ioredis'],
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders },
      { source: '/api/:path*', headers: apiHeaders },
    ];
  },
};

export default nextConfig;
