import type { NextConfig } from 'next';

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
    // Next's default (1 MB) would answer an oversized field with an error page; with room to
    // spare, the action's zod schema sees it and answers with a field error.
    serverActions: { bodySizeLimit: '2mb' },
  },
  serverExternalPackages: ['@node-rs/argon2', '@electric-sql/pglite', 'ioredis'],
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
