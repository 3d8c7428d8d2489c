import { env } from '@/lib/env';
import { securityTxt } from '@/lib/site/public-files';

// Read per request: the contact and the app URL are the deployment's settings, not the build's.
export const dynamic = 'force-dynamic';

export function GET() {
  const { APP_URL, SECURITY_CONTACT } = env();
  return new Response(securityTxt({ appUrl: APP_URL, contact: SECURITY_CONTACT }), {
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'public, max-age=86400' },
  });
}
