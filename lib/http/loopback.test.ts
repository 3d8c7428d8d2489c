import { describe, expect, it } from 'vitest';
import { PEER_HEADER } from '@/lib/http/client-ip';
import { isLocalRequest, isLoopback } from './loopback';

describe('isLoopback', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.254',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '::ffff:127.10.0.1',
    '::FFFF:7f00:1',
    ' 127.0.0.1 ',
  ])('%j is this machine', (address) => {
    expect(isLoopback(address)).toBe(true);
  });

  it.each([
    '',
    'unknown',
    'localhost',
    '10.0.0.1',
    '192.168.1.1',
    '128.0.0.1',
    '0.0.0.0',
    '::',
    '::2',
    '::ffff:10.0.0.1',
    '::ffff:8.8.8.8',
    'fe80::1',
    'fe80::1%lo0',
    '::1%lo',
    '[::1]',
    '127.0.0.1.evil.example',
    '127.0.0.1, 10.0.0.1',
    'fd00::127:0:0:1',
  ])('%j is not', (address) => {
    expect(isLoopback(address)).toBe(false);
  });
});

function headersOf(values: Record<string, string>) {
  const h = new Headers(values);
  return { get: (name: string) => h.get(name) };
}

describe('isLocalRequest', () => {
  it('answers true for a loopback peer, IPv4 or IPv6', () => {
    expect(isLocalRequest(headersOf({ [PEER_HEADER]: '127.0.0.1' }), 0)).toBe(true);
    expect(isLocalRequest(headersOf({ [PEER_HEADER]: '::1' }), 0)).toBe(true);
    expect(isLocalRequest(headersOf({ [PEER_HEADER]: '::ffff:127.0.0.1' }), 0)).toBe(true);
  });

  it('answers false for any other peer, or none (a request that did not come through server.mjs)', () => {
    expect(isLocalRequest(headersOf({ [PEER_HEADER]: '203.0.113.7' }), 0)).toBe(false);
    expect(isLocalRequest(headersOf({ [PEER_HEADER]: '2001:db8::1' }), 0)).toBe(false);
    expect(isLocalRequest(headersOf({}), 0)).toBe(false);
  });

  it('is not fooled by a client-sent X-Forwarded-For', () => {
    const spoofed = headersOf({ [PEER_HEADER]: '203.0.113.7', 'x-forwarded-for': '127.0.0.1' });
    expect(isLocalRequest(spoofed, 0)).toBe(false);
    expect(isLocalRequest(spoofed, 1)).toBe(false);
  });

  it('behind a proxy on this machine, asks about the client the trusted proxy reports', () => {
    const visitor = headersOf({ [PEER_HEADER]: '127.0.0.1', 'x-forwarded-for': '203.0.113.7' });
    expect(isLocalRequest(visitor, 1)).toBe(false);
    const local = headersOf({ [PEER_HEADER]: '127.0.0.1', 'x-forwarded-for': '127.0.0.1' });
    expect(isLocalRequest(local, 1)).toBe(true);
    // A client-sent loopback entry further left than the trusted hops is ignored.
    const forged = headersOf({ [PEER_HEADER]: '127.0.0.1', 'x-forwarded-for': '127.0.0.1, 203.0.113.7' });
    expect(isLocalRequest(forged, 1)).toBe(false);
  });
});
