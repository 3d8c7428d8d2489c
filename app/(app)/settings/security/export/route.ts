import { NextResponse } from 'next/server';
import { exportAccountData } from '@/lib/account/export';
import { requireSession } from '@/lib/auth/dal';
import { requestContext } from '@/lib/http/request-context';

const PAGE = '/settings/security';

/**
 * "Download my data". A public endpoint like any other: the session is checked here (the DAL,
 * not the cookie alone), whatever middleware did. Without one, off to sign in (through
 * /session-ended when a dead cookie must be cleared), back to the settings page afterwards.
 */
export async function GET() {
  const session = await requireSession(PAGE);
  const result = await exportAccountData(session, await requestContext());
  // The session outlived its account for a moment (deleted in between): nothing to send.
  if (!result) return new NextResponse(null, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  return new NextResponse(`${JSON.stringify(result.data, null, 2)}\n`, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${result.filename}"`,
      // Personal data: no shared or browser cache may keep a copy.
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
