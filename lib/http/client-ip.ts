/**
 * The client's IP for rate limits and audit, from the socket peer address that server.mjs stamps
 * into PEER_HEADER (a header clients cannot set) and, only when TRUST_PROXY_HOPS > 0, that many
 * hops of X-Forwarded-For. With 0 hops a client-sent X-Forwarded-For changes nothing.
 */
export const PEER_HEADER = 'x-latchkey-peer';

type HeaderSource = { get(name: string): string | null };

export function clientIp(headers: HeaderSource, trustedHops: number): string {
  const peer = normalize(headers.get(PEER_HEADER) ?? '') || 'unknown';
  if (trustedHops <= 0) return peer;
  const forwarded = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => normalize(part))
    .filter(Boolean);
  // [client, proxy1, …, proxyN-1] + peer: each trusted proxy appended the address it saw, so the
  // client is N places left of the peer. Entries further left were sent by the client: ignored.
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedHops)] ?? peer;
}

function normalize(address: string): string {
  const trimmed = address.trim();
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}
