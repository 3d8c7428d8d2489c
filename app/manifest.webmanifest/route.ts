import { env } from '@/lib/env';
import { webManifest } from '@/lib/site/public-files';

// Read per request: APP_NAME is the deployment's setting, not the build's.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json(webManifest(env().APP_NAME), {
    headers: { 'Content-Type': 'application/manifest+json', 'Cache-Control': 'public, max-age=86400' },
  });
}
