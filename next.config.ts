import type { NextConfig } from 'next';
import { BODY_SIZE_LIMIT_BYTES } from './lib/http/body-size-limit.cjs';

const securityHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

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
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
