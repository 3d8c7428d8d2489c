import 'server-only';
import { headers } from 'next/headers';
import { env } from '@/lib/env';
import { clientIp } from './client-ip';

export type RequestContext = { ip: string; userAgent: string | null };

export async function requestContext(): Promise<RequestContext> {
  const h = await headers();
  return { ip: clientIp(h, env().TRUST_PROXY_HOPS), userAgent: h.get('user-agent')?.slice(0, 512) ?? null };
}
