import { describe, expect, it } from 'vitest';
import { clientIp, PEER_HEADER } from './client-ip';

function headers(values: Record<string, string>): Headers {
  return new Headers(values);
}

describe('clientIp', () => {
  describe('with 0 trusted hops (the default: no proxy)', () => {
    it('uses the socket peer', () => {
      expect(clientIp(headers({ [PEER_HEADER]: '203.0.113.7' }), 0)).toBe('203.0.113.7');
    });

    it('ignores a client-sent X-Forwarded-For entirely', () => {
      const spoofed = headers({ [PEER_HEADER]: '203.0.113.7', 'x-forwarded-for': '198.51.100.1, 10.0.0.1' });
      expect(clientIp(spoofed, 0)).toBe('203.0.113.7');
    });

    it('gives every spoofed X-Forwarded-For from one peer the same identity (one rate-limit bucket)', () => {
      const ips = Array.from({ length: 10 }, (_, i) =>
        clientIp(headers({ [PEER_HEADER]: '203.0.113.7', 'x-forwarded-for': `198.51.100.${i}` }), 0),
      );
      expect(new Set(ips)).toEqual(new Set(['203.0.113.7']));
    });

    it('normalises an IPv4-mapped IPv6 peer', () => {
      expect(clientIp(headers({ [PEER_HEADER]: '::ffff:1.2.3.4' }), 0)).toBe('1.2.3.4');
    });

    it('keeps a real IPv6 peer', () => {
      expect(clientIp(headers({ [PEER_HEADER]: '2001:db8::1' }), 0)).toBe('2001:db8::1');
      expect(clientIp(headers({ [PEER_HEADER]: '::1' }), 0)).toBe('::1');
    });

    it("says 'unknown' when the peer header is missing or blank, even if X-Forwarded-For is sent", () => {
      expect(clientIp(headers({}), 0)).toBe('unknown');
      expect(clientIp(headers({ [PEER_HEADER]: '  ' }), 0)).toBe('unknown');
      expect(clientIp(headers({ 'x-forwarded-for': '198.51.100.1' }), 0)).toBe('unknown');
    });
  });

  describe('with 1 trusted hop (one reverse proxy)', () => {
    it('takes the address the proxy appended', () => {
      const h = headers({ [PEER_HEADER]: '10.0.0.2', 'x-forwarded-for': '198.51.100.9' });
      expect(clientIp(h, 1)).toBe('198.51.100.9');
    });

    it('ignores entries the client put to the left', () => {
      // The client sent "X-Forwarded-For: 1.1.1.1, 2.2.2.2"; the proxy appended what it saw.
      const h = headers({ [PEER_HEADER]: '10.0.0.2', 'x-forwarded-for': '1.1.1.1, 2.2.2.2, 198.51.100.9' });
      expect(clientIp(h, 1)).toBe('198.51.100.9');
    });

    it('trims spaces and normalises IPv4-mapped entries', () => {
      const h = headers({
        [PEER_HEADER]: '::ffff:10.0.0.2',
        'x-forwarded-for': ' 1.1.1.1 ,  ::ffff:198.51.100.9 ',
      });
      expect(clientIp(h, 1)).toBe('198.51.100.9');
    });

    it('falls back to the peer when the proxy sent no X-Forwarded-For', () => {
      expect(clientIp(headers({ [PEER_HEADER]: '10.0.0.2' }), 1)).toBe('10.0.0.2');
      expect(clientIp(headers({ [PEER_HEADER]: '10.0.0.2', 'x-forwarded-for': ' , ' }), 1)).toBe('10.0.0.2');
    });

    it("says 'unknown' when the peer is missing and nothing was forwarded", () => {
      expect(clientIp(headers({}), 1)).toBe('unknown');
    });
  });

  describe('with 2 trusted hops', () => {
    it('takes the entry the outer proxy appended, ignoring spoofed ones further left', () => {
      // client -> CDN (appends client) -> load balancer (appends CDN) -> app (peer = load balancer)
      const h = headers({
        [PEER_HEADER]: '10.0.0.3',
        'x-forwarded-for': '6.6.6.6, 198.51.100.9, 172.16.0.5',
      });
      expect(clientIp(h, 2)).toBe('198.51.100.9');
    });
  });
});
