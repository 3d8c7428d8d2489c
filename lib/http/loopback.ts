import { isIPv4, isIPv6 } from 'node:net';
import { clientIp, PEER_HEADER } from './client-ip';

/**
 * Whether an address is this machine: 127.0.0.0/8, ::1, or either written as an IPv4-mapped IPv6
 * address (an IPv4 client of a dual-stack socket appears as ::ffff:127.0.0.1). Anything else,
 * including an empty or malformed value, is not.
 */
export function isLoopback(address: string): boolean {
  const a = address.trim().toLowerCase();
  if (isIPv4(a)) return a.startsWith('127.');
  if (!isIPv6(a) || a.includes('%')) return false;
  // The URL parser writes IPv6 in its canonical form: 0:0:0:0:0:0:0:1 → ::1, and a mapped
  // IPv4 address in hex (::ffff:127.0.0.1 → ::ffff:7f00:1).
  const canonical = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  if (canonical === '::1') return true;
  const mapped = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(canonical);
  return mapped !== null && Number.parseInt(mapped[1] ?? '', 16) >> 8 === 127;
}

type HeaderSource = { get(name: string): string | null };

/**
 * A request from this machine: the socket peer (stamped by server.mjs into a header clients
 * cannot set) is loopback and, behind trusted proxies, so is the client they report. Without the
 * second check a reverse proxy on this machine would make every visitor look local.
 */
export function isLocalRequest(headers: HeaderSource, trustedHops: number): boolean {
  const peer = headers.get(PEER_HEADER);
  if (!peer || !isLoopback(peer)) return false;
  return isLoopback(clientIp(headers, trustedHops));
}
