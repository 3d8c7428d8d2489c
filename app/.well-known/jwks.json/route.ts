import { publicJwks } from '@/lib/api/signing-keys';

// Read per request, not at build time: the keys are the deployment's settings (API_SIGNING_KEY).
export const dynamic = 'force-dynamic';
// node:crypto parses the keys.
export const runtime = 'nodejs';

/**
 * The public keys that verify access tokens, for services that check them offline. Five minutes
 * of caching: a key added to API_SIGNING_KEY must sit in second place at least that long before
 * it signs (README, "API tokens"), or a verifier with the old set cached refuses its tokens.
 */
export function GET() {
  return Response.json(publicJwks(), { headers: { 'Cache-Control': 'public, max-age=300' } });
}
