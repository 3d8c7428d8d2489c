// Client addresses for a run against the bench server, which trusts one proxy hop: each request
// can say where it comes from (X-Forwarded-For), and the app's per-IP limits count it there.
// Every pool owns its own ranges, so what one part of a run does to an address's budget never
// reaches another part. Documentation and private ranges only: nothing here is ever dialled.
import { randomBytes } from 'node:crypto';

export class AddressPool {
  private used = 0;

  /** `n`: 1 to 254, the pool's number; its ranges are 10.n.0.0/16 and 2001:db8:n::/48. */
  constructor(private readonly n: number) {
    if (!Number.isInteger(n) || n < 1 || n > 254) throw new Error(`address pool ${n}: expected 1 to 254`);
  }

  /** An IPv4 address this pool has not given out before. */
  next(): string {
    const k = ++this.used;
    if (k > 65_534) throw new Error(`address pool ${this.n} is used up`);
    return `10.${this.n}.${k >> 8}.${k & 255}`;
  }

  /** Host `host` in the pool's IPv6 /64 number `net` (2001:db8:n:net::/64). */
  v6(net: number, host: bigint): string {
    const groups = [48n, 32n, 16n, 0n].map((shift) => ((host >> shift) & 0xffffn).toString(16));
    return `2001:db8:${this.n.toString(16)}:${net.toString(16)}:${groups.join(':')}`;
  }
}

/**
 * Client addresses that no other run uses, for a server whose limits live in a shared Redis
 * (where a fixed address would meet the counts of earlier runs, and of other people's): a random
 * unique-local /48 (RFC 4193: fd00::/8 and a 40-bit random id), each address in a /64 of its own,
 * since the app's per-IP limits group IPv6 addresses by /64. Never dialled.
 */
export class RunAddresses {
  private readonly prefix: string;
  private used = 0;

  constructor() {
    const id = randomBytes(5).toString('hex');
    this.prefix = `fd${id.slice(0, 2)}:${id.slice(2, 6)}:${id.slice(6, 10)}`;
  }

  /** An address in a /64 this run has not used before. */
  next(): string {
    const subnet = ++this.used;
    if (subnet > 0xffff) throw new Error(`run addresses ${this.prefix}::/48 are used up`);
    return `${this.prefix}:${subnet.toString(16)}::1`;
  }
}
