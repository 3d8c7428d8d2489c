// Liveness: the process is up and its event loop answers. Nothing else is asked, so a database
// outage does not get the process restarted (that is /api/ready's business: stop sending traffic).
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
