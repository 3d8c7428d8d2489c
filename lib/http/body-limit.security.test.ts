import { once } from 'node:events';
import { type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import nextConfig from '@/next.config';
import { createBodyLimitedServer } from './body-limit.mjs';
import { BODY_SIZE_LIMIT_BYTES } from './body-size-limit.cjs';

/**
 * Oversized bodies: Next answered them with a 500 after buffering up to its limit. server.mjs now
 * answers 413 before Next reads them. Here the same server, with a handler standing in for Next
 * that reads the whole body, as a server action does.
 */
const LIMIT = BODY_SIZE_LIMIT_BYTES;

type Seen = { bytes: number; outcome: 'end' | 'error' };
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** Starts the server on an ephemeral port; `seen` resolves with what the handler read. */
async function start(): Promise<{ port: number; seen: Promise<Seen>[] }> {
  const seen: Promise<Seen>[] = [];
  server = createBodyLimitedServer((req, res) => {
    // Reads the whole body as Next does (a stream pipeline), then answers with its size.
    seen.push(
      (async (): Promise<Seen> => {
        let bytes = 0;
        try {
          for await (const chunk of req) bytes += (chunk as Buffer).length;
        } catch {
          return { bytes, outcome: 'error' };
        }
        res.end(`read ${bytes}`);
        return { bytes, outcome: 'end' };
      })(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, seen };
}

/** POSTs `size` bytes in 64 KiB writes, with a Content-Length or chunked; resolves with the answer. */
async function post(port: number, size: number, framing: 'content-length' | 'chunked') {
  const req = request({
    port,
    host: '127.0.0.1',
    method: 'POST',
    path: '/login',
    headers: framing === 'content-length' ? { 'content-length': size } : { 'transfer-encoding': 'chunked' },
  });
  const answered = once(req, 'response') as Promise<[IncomingMessage]>;
  // A refused request may be closed before everything is written: that is the point.
  req.on('error', () => {});
  const chunk = Buffer.alloc(64 * 1024, 'a');
  for (let sent = 0; sent < size; sent += chunk.length) {
    if (!req.write(chunk.subarray(0, Math.min(chunk.length, size - sent)))) await once(req, 'drain');
  }
  req.end();
  const [res] = await answered;
  let text = '';
  for await (const part of res) text += part;
  return { status: res.statusCode, type: res.headers['content-type'], text };
}

describe('oversized request bodies', () => {
  it('the limit is the one Next is given (one source)', () => {
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBe(LIMIT);
    expect(LIMIT).toBe(2 * 1024 * 1024);
  });

  it('a body of exactly the limit reaches the handler whole, declared or chunked', async () => {
    const { port, seen } = await start();
    expect(await post(port, LIMIT, 'content-length')).toMatchObject({ status: 200, text: `read ${LIMIT}` });
    expect(await post(port, LIMIT, 'chunked')).toMatchObject({ status: 200, text: `read ${LIMIT}` });
    expect(await Promise.all(seen)).toEqual([
      { bytes: LIMIT, outcome: 'end' },
      { bytes: LIMIT, outcome: 'end' },
    ]);
  });

  it('a Content-Length over the limit gets 413 in plain text, and the handler never sees the request', async () => {
    const { port, seen } = await start();
    const answer = await post(port, 3 * 1024 * 1024, 'content-length');
    expect(answer).toEqual({
      status: 413,
      type: 'text/plain; charset=utf-8',
      text: 'Request body too large.\n',
    });
    const justOver = await post(port, LIMIT + 1, 'content-length');
    expect(justOver.status).toBe(413);
    expect(seen).toHaveLength(0);
  });

  it('a chunked body is counted: past the limit, 413, and the reader gets an error, never a cut-short end', async () => {
    const { port, seen } = await start();
    const answer = await post(port, 3 * 1024 * 1024, 'chunked');
    expect(answer).toMatchObject({ status: 413, text: 'Request body too large.\n' });
    expect(seen).toHaveLength(1);
    const read = await seen[0];
    expect(read?.outcome).toBe('error');
    expect(read?.bytes).toBeLessThanOrEqual(LIMIT);
  });

  it('a client that keeps sending past the limit is cut off, not read forever', async () => {
    const { port, seen } = await start();
    const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-length': 1e12 } });
    req.on('error', () => {});
    let closed = false;
    req.on('close', () => {
      closed = true;
    });
    const chunk = Buffer.alloc(256 * 1024, 'a');
    let sent = 0;
    while (!closed && sent < 256 * 1024 * 1024) {
      sent += chunk.length;
      if (!req.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            req.off('drain', done).off('close', done);
            resolve();
          };
          req.on('drain', done).on('close', done);
        });
      }
    }
    expect(closed).toBe(true);
    // The limit, then at most 8 MiB more, plus what was on its way through the sockets' buffers.
    expect(sent).toBeLessThan(LIMIT + 8 * 1024 * 1024 + 16 * 1024 * 1024);
    expect(seen).toHaveLength(0);
  });
});
