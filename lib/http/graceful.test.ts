import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drainOnSignal, isDraining, onShutdown, runShutdownHooks } from './graceful.mjs';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const open: Server[] = [];

afterEach(() => {
  for (const server of open.splice(0)) server.closeAllConnections();
  (globalThis as { __latchkeyDraining?: boolean }).__latchkeyDraining = undefined;
  (globalThis as { __latchkeyShutdownHooks?: Map<string, unknown> }).__latchkeyShutdownHooks?.clear();
});

/** A plain server under drainOnSignal, driven by a fake signal source; exit is recorded. */
async function start(handler: Handler, timeoutMs = 5_000) {
  const server = http.createServer(handler);
  const signals = new EventEmitter();
  const lines: string[] = [];
  let exited: (code: number) => void = () => {};
  const exit = new Promise<number>((resolve) => {
    exited = resolve;
  });
  drainOnSignal(server, { timeoutMs, exit: (code) => exited(code), log: (l) => lines.push(l), signals });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(server);
  const { port } = server.address() as AddressInfo;
  return { server, signals, exit, lines, port };
}

type Reply = { status: number; body: string; connection: string | undefined; socket: Socket };

function get(port: number, agent: http.Agent | false, pathname = '/'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined;
    const req = http.get({ host: '127.0.0.1', port, path: pathname, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          connection: res.headers.connection,
          socket: socket as Socket,
        }),
      );
      res.on('error', reject);
    });
    req.on('socket', (s) => {
      socket = s;
    });
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value, or 'too late' after `ms`: the drain must not lean on its (long) deadline. */
const within = <T>(promise: Promise<T>, ms = 2_000) =>
  Promise.race([promise, sleep(ms).then(() => 'too late' as const)]);

describe('drainOnSignal', () => {
  it('lets a slow request in flight finish with its whole response, then exits 0 after the hooks', async () => {
    let arrived: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const { signals, exit, port } = await start((_req, res) => {
      arrived();
      res.write('first half, ');
      setTimeout(() => res.end('second half'), 300);
    });
    const order: string[] = [];
    onShutdown('database', async () => {
      await sleep(20);
      order.push('database closed');
    });

    const reply = get(port, false);
    await inFlight;
    signals.emit('SIGTERM');
    expect(isDraining()).toBe(true);

    expect((await reply).body).toBe('first half, second half');
    const code = await exit;
    order.push('exit');
    expect(code).toBe(0);
    expect(order).toEqual(['database closed', 'exit']);
  });

  it('refuses new connections once the drain has begun', async () => {
    const { signals, port, exit } = await start((_req, res) => {
      setTimeout(() => res.end('slow'), 300);
    });
    const slow = get(port, false);
    await sleep(50);
    signals.emit('SIGINT');
    await expect(get(port, false)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect((await slow).body).toBe('slow');
    expect(await exit).toBe(0);
  });

  it('closes idle keep-alive connections at once, and busy ones after their response (Connection: close)', async () => {
    let release: () => void = () => {};
    const { signals, port, exit, lines } = await start((req, res) => {
      if (req.url === '/slow') {
        release = () => res.end('slow done');
        return;
      }
      res.end('quick');
    }, 60_000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    // The slow one first, so the quick one gets a socket of its own, which then sits idle.
    const slow = get(port, agent, '/slow');
    await sleep(50);
    const idle = await get(port, agent);
    expect(idle.body).toBe('quick');
    expect(idle.connection).toBe('keep-alive');
    const idleClosed = new Promise((resolve) => idle.socket.once('close', resolve));

    signals.emit('SIGTERM');
    expect(await within(idleClosed)).not.toBe('too late');
    expect(lines[0]).toContain('finishing 1 request(s) in flight');

    release();
    const reply = await slow;
    expect(reply.body).toBe('slow done');
    expect(reply.connection).toBe('close');
    expect(await within(exit)).toBe(0);
    agent.destroy();
  });

  it('closes a keep-alive connection whose response began before the drain, once it ends', async () => {
    let release: () => void = () => {};
    const { signals, port, exit } = await start((_req, res) => {
      res.write('headers are out; ');
      release = () => res.end('done');
    }, 60_000);
    const agent = new http.Agent({ keepAlive: true });
    const reply = get(port, agent);
    await sleep(50);
    signals.emit('SIGTERM');
    release();
    const { body, connection, socket } = await reply;
    expect(body).toBe('headers are out; done');
    expect(connection).toBe('keep-alive');
    // Without the drain closing it, this socket would sit in the pool and exit would never come.
    const socketClosed = new Promise((resolve) =>
      socket.destroyed ? resolve(null) : socket.once('close', resolve),
    );
    expect(await within(socketClosed)).not.toBe('too late');
    expect(await within(exit)).toBe(0);
    agent.destroy();
  });

  it('cuts a request that does not finish by the deadline, runs the hooks and exits 0', async () => {
    const { signals, port, exit, lines } = await start(() => {}, 200);
    let hookRan = false;
    onShutdown('store', () => {
      hookRan = true;
    });
    const stuck = get(port, false);
    await sleep(50);
    const began = Date.now();
    signals.emit('SIGTERM');
    await expect(stuck).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await exit).toBe(0);
    expect(Date.now() - began).toBeGreaterThanOrEqual(190);
    expect(hookRan).toBe(true);
    expect(lines.some((l) => l.includes('still running after 200 ms'))).toBe(true);
  });

  it('exits at once, non-zero, on a second signal during the drain, not on its echo', async () => {
    const { signals, port, exit } = await start(() => {}, 60_000);
    const stuck = get(port, false).catch(() => {});
    await sleep(50);
    signals.emit('SIGTERM');
    // npm's forwarded copy of a signal sent to the whole group: the same request to stop.
    signals.emit('SIGTERM');
    expect(await within(exit, 300)).toBe('too late');
    await sleep(800);
    signals.emit('SIGTERM');
    expect(await within(exit)).toBe(143);
    // The request is still open: nothing waited for it (afterEach cuts it).
    expect(await Promise.race([stuck.then(() => 'ended'), sleep(100).then(() => 'open')])).toBe('open');
  });

  it('exits 1 when a shutdown hook fails, after running the others', async () => {
    const { signals, exit, lines } = await start((_req, res) => res.end());
    let other = false;
    onShutdown('database', () => Promise.reject(new Error('boom')));
    onShutdown('store', () => {
      other = true;
    });
    signals.emit('SIGTERM');
    expect(await exit).toBe(1);
    expect(other).toBe(true);
    expect(lines).toContain('latchkey: could not close database cleanly');
  });
});

describe('runShutdownHooks', () => {
  it('gives up on a hook that hangs, and still runs the others', async () => {
    let closed = false;
    onShutdown('database', () => new Promise<void>(() => {}));
    onShutdown('store', () => {
      closed = true;
    });
    const began = Date.now();
    expect(await runShutdownHooks(100)).toEqual(['database']);
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(closed).toBe(true);
  });

  it('replaces a hook registered again under the same name (a dev reload registers twice)', async () => {
    const calls: string[] = [];
    onShutdown('database', () => {
      calls.push('old');
    });
    onShutdown('database', () => {
      calls.push('new');
    });
    expect(await runShutdownHooks()).toEqual([]);
    expect(calls).toEqual(['new']);
  });
});

describe('listenOrExit', () => {
  it('exits non-zero with one line when the port is taken', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    open.push(taken);
    const { port } = taken.address() as AddressInfo;
    const module = path.join(import.meta.dirname, 'graceful.mjs');
    const script = `
      import http from 'node:http';
      const { listenOrExit } = await import(${JSON.stringify(module)});
      listenOrExit(http.createServer(), ${port}, () => console.info('listening'));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    taken.close();
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(`latchkey: cannot listen on port ${port}: EADDRINUSE`);
    expect(stdout).toBe('');
  });
});
