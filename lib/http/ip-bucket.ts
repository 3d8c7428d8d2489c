import { isIPv4, isIPv6 } from 'node:net';

/**
 * The identity a per-IP rate limit counts under, for an address from clientIp().
 *
 * IPv6: its /64. One customer (a home line, a phone, a server) is given a whole /64 (RFC 6177,
 * RIPE-690) and may send each request from another of its 2^64 addresses, so counting per address
 * would give one attacker 2^64 budgets. IPv4: the address itself (NAT already makes it shared).
 * An IPv4-mapped address (::ffff:a.b.c.d, how a dual-stack socket shows an IPv4 client) is its
 * IPv4 address. Anything that is not an address (`unknown` when no peer was stamped) is its own
 * bucket, as before: whoever could choose that text could choose a real address instead.
 *
 * Limits only: audit rows, mails and the sessions list keep the full address.
 */
export function ipBucket(ip: string): string {
  const trimmed = ip.trim();
  // A zone id (fe80::1%eth0) names an interface of this machine, not part of the address.
  const address =
    trimmed
      .toLowerCase()
      .replace(/^\[(.*)\]$/, '$1')
      .split('%')[0] ?? '';
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return trimmed;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an address isIPv6 accepted (so at most one `::`). */
function ipv6Groups(address: string): number[] {
  // A trailing dotted quad (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is the last two groups.
  const text = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((g) => g.toString(16)).join(':'),
  );
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => Number.parseInt(g, 16));
}

/**
 * The network an address belongs to, for "has this account been used from here before"
 * (lib/auth/new-device.ts): IPv4 its /24 (a home line's or office's addresses change within it),
 * IPv6 its /64 as above. Coarser than ipBucket on purpose: a new address on the same line is not
 * news to the account's owner.
 */
export function ipNetwork(ip: string): string {
  const bucket = ipBucket(ip);
  if (!isIPv4(bucket)) return bucket;
  return `${bucket.split('.').slice(0, 3).join('.')}.0/24`;
}
