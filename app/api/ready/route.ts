import { readiness } from '@/lib/readiness';

// Readiness: 200 when the database and the store answer, 503 otherwise and while draining.
export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET() {
  const { ready, checks } = await readiness();
  return Response.json(
    { status: ready ? 'ok' : 'unavailable', checks },
    { status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}
