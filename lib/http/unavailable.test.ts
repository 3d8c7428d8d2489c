import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordFailure, resetHealth } from '@/lib/db/health';
import { answerDatabaseOutageWith503 } from './unavailable.mjs';

/** server.mjs's hook, on a real HTTP server: the statuses Next would send, as a client gets them. */
let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    answerDatabaseOutageWith503(res);
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status'));
    if (req.url?.startsWith('/explicit')) {
      res.writeHead(status, 'Internal Server Error', { 'Content-Type': 'text/plain' });
    } else {
      // How Next answers: statusCode set, the head written implicitly.
      res.statusCode = status;
    }
    res.end('body');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server.close());
afterEach(() => resetHealth());

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('a failed request during a database outage', () => {
  it('goes out as 503 with Retry-After while the database is known down', async () => {
    resetHealth(5_000);
    recordFailure(refused);
    for (const path of ['/implicit?status=500', '/explicit?status=500']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(503);
      expect(response.statusText).toBe('Service Unavailable');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(5);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('other answers are left alone, and a 500 is a 500 while the database answers', async () => {
    recordFailure(refused);
    expect((await fetch(`${base}/implicit?status=200`)).status).toBe(200);
    expect((await fetch(`${base}/implicit?status=404`)).status).toBe(404);
    resetHealth();
    const response = await fetch(`${base}/implicit?status=500`);
    expect(response.status).toBe(500);
    expect(response.headers.get('retry-after')).toBeNull();
  });
});
