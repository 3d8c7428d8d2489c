import 'server-only';
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { setRole } from '@/lib/auth/roles';
import { ensureRunDirectory } from '@/lib/db/pglite-lock';
import { describeFailure } from '@/lib/log';
import {
  type AdminResponse,
  adminRequestSchema,
  adminSocketPath,
  COMMAND_LINE_CONTEXT,
  MAX_REQUEST_BYTES,
} from './protocol';

/** A connection that has not sent its line by then is dropped (one line is a few dozen bytes). */
const IDLE_MS = 5_000;
/** How long close() lets a change in flight finish before cutting its connection. */
const CLOSE_MS = 3_000;

export type AdminSocket = { path: string; close: () => Promise<void> };

// One per process, on globalThis: a development reload runs instrumentation's register() again.
const globalForAdmin = globalThis as typeof globalThis & { __latchkeyAdminSocket?: Promise<AdminSocket> };

async function answer(line: string): Promise<AdminResponse> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return { ok: false, error: 'bad_request' };
  }
  const parsed = adminRequestSchema.safeParse(request);
  if (!parsed.success) return { ok: false, error: 'bad_request' };
  const { op, email } = parsed.data;
  try {
    const result = await setRole(email, op === 'grant' ? 'admin' : 'user', COMMAND_LINE_CONTEXT);
    return result.ok ? { ok: true, changed: result.changed } : { ok: false, error: 'no_such_account' };
  } catch (error) {
    console.error(`latchkey: admin socket: ${op} failed: ${describeFailure(error)}`);
    return { ok: false, error: 'failed' };
  }
}

function serve(connection: Socket): void {
  let buffer = '';
  let done = false;
  const reply = (response: AdminResponse) => {
    done = true;
    connection.end(`${JSON.stringify(response)}\n`);
  };
  connection.setEncoding('utf8');
  connection.setTimeout(IDLE_MS, () => connection.destroy());
  connection.on('error', () => connection.destroy());
  connection.on('data', (chunk: string) => {
    if (done) return;
    buffer += chunk;
    const newline = buffer.indexOf('\n');
    if (newline === -1) {
      if (Buffer.byteLength(buffer) > MAX_REQUEST_BYTES) reply({ ok: false, error: 'bad_request' });
      return;
    }
    done = true;
    // The request is in: the idle limit was for a client that says nothing, not for the change,
    // which may take a while on a busy machine and must be answered, not cut off after committing.
    connection.setTimeout(0);
    const line = buffer.slice(0, newline);
    if (Buffer.byteLength(line) > MAX_REQUEST_BYTES) return reply({ ok: false, error: 'bad_request' });
    void answer(line).then(reply);
  });
}

async function start(dir: string): Promise<AdminSocket> {
  ensureRunDirectory(dir);
  const path = adminSocketPath(dir);
  // The caller holds the directory's lock, so a socket file here is left by a server that died.
  rmSync(path, { force: true });
  const connections = new Set<Socket>();
  const server: Server = createServer((connection) => {
    connections.add(connection);
    connection.once('close', () => connections.delete(connection));
    serve(connection);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The run directory (0700) already keeps others out; 0600 says the same on the socket itself.
  chmodSync(path, 0o600);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      // Stops accepting at once; a change in flight gets CLOSE_MS to answer.
      const timer = setTimeout(() => {
        for (const connection of connections) connection.destroy();
      }, CLOSE_MS);
      server.close(() => {
        clearTimeout(timer);
        rmSync(path, { force: true });
        globalForAdmin.__latchkeyAdminSocket = undefined;
        resolve();
      });
    });
    return closing;
  };
  return { path, close };
}

/**
 * Serve the admin socket of the PGlite directory `dir`, which this process must hold (the
 * database is open). Call once the database is ready; close() before closing the database.
 */
export function serveAdminSocket(dir: string): Promise<AdminSocket> {
  globalForAdmin.__latchkeyAdminSocket ??= start(dir).catch((error) => {
    globalForAdmin.__latchkeyAdminSocket = undefined;
    throw error;
  });
  return globalForAdmin.__latchkeyAdminSocket;
}
