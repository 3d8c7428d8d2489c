import 'server-only';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureRunDirectory, PgliteLockedError, pgliteHolder } from '@/lib/db/pglite-lock';
import { env } from '@/lib/env';
import { describeFailure } from '@/lib/log';
import { emailField } from '@/lib/validation/fields';
import { type AdminRequest, type AdminResponse, adminSocketPath, COMMAND_LINE_CONTEXT } from './protocol';

export const USAGE = 'usage: npm run admin:grant -- EMAIL\n       npm run admin:revoke -- EMAIL';

/**
 * How long the command waits for a process that holds the embedded database to answer on its
 * admin socket: a server takes the directory before it migrates and opens the socket after, and
 * another command holds it for a second or two.
 */
const HOLDER_WAIT_MS = 30_000;
/**
 * A server that accepted the request but has not answered by then is reported, not waited on.
 * Generous: a change that committed must not be reported as failed because a loaded machine was
 * slow to confirm it.
 */
const ANSWER_MS = 60_000;

type Output = { out: (line: string) => void; err: (line: string) => void };
type Outcome = { response: AdminResponse; route: 'server' | 'direct' };

/**
 * `npm run admin:grant -- EMAIL` and `admin:revoke`: the exit status (0 done or nothing to do,
 * 1 no such account or a failure, 2 usage). With DATABASE_URL the change is made in PostgreSQL
 * directly; with the embedded database it goes through the server that holds the directory, or,
 * when none does, directly under the directory's lock.
 */
export async function runAdminCommand(
  args: string[],
  { out, err }: Output = { out: console.info, err: console.error },
): Promise<number> {
  const [op, raw, ...extra] = args;
  if ((op !== 'grant' && op !== 'revoke') || raw === undefined || extra.length > 0) {
    err(USAGE);
    return 2;
  }
  const parsed = emailField.safeParse(raw);
  if (!parsed.success) {
    err(`latchkey: ${JSON.stringify(raw)} is not an email address`);
    err(USAGE);
    return 2;
  }
  const request: AdminRequest = { op, email: parsed.data };
  let outcome: Outcome;
  try {
    const { DATABASE_URL, PGLITE_DIR } = env();
    outcome =
      DATABASE_URL || PGLITE_DIR.includes('://')
        ? { response: await direct(request), route: 'direct' }
        : await throughHolderOrDirect(PGLITE_DIR, request, err);
  } catch (error) {
    err(`latchkey: could not ${op} the admin role: ${error instanceof Error ? error.message : error}`);
    return 1;
  }
  return report(request, outcome, { out, err });
}

function report({ op, email }: AdminRequest, { response, route }: Outcome, { out, err }: Output): number {
  if (!response.ok) {
    if (response.error === 'no_such_account') err(`latchkey: No account with the address ${email}`);
    else if (response.error === 'bad_request') err('latchkey: the server refused the request');
    else err(`latchkey: the server could not ${op} the admin role (its log says why)`);
    return 1;
  }
  const how = route === 'server' ? ' (through the running server)' : '';
  if (op === 'grant') {
    out(
      response.changed
        ? `latchkey: admin role granted to ${email}${how}`
        : `latchkey: ${email} is already an admin`,
    );
  } else {
    out(
      response.changed
        ? `latchkey: admin role revoked from ${email}${how}`
        : `latchkey: ${email} is not an admin`,
    );
  }
  return 0;
}

/** The change in this process, through the same setRole as the app's; closes the database after. */
async function direct({ op, email }: AdminRequest, pgliteDir?: string): Promise<AdminResponse> {
  const { db, closeDb } = await import('@/lib/db/client');
  const { setRole } = await import('@/lib/auth/roles');
  try {
    await db();
    // Opened: this process holds the directory, so a socket file there is a dead server's.
    if (pgliteDir) rmSync(adminSocketPath(pgliteDir), { force: true });
    const result = await setRole(email, op === 'grant' ? 'admin' : 'user', COMMAND_LINE_CONTEXT);
    return result.ok ? { ok: true, changed: result.changed } : { ok: false, error: 'no_such_account' };
  } catch (error) {
    if (error instanceof PgliteLockedError) throw error;
    // Only the error's kind and first line: a database error can carry the query's parameters.
    throw new Error(describeFailure(error));
  } finally {
    await closeDb();
  }
}

/**
 * The embedded database: through the admin socket of the process that holds it; when nobody
 * answers there and nobody holds the directory, directly. A live holder that does not answer
 * yet (a server still starting, another command) is waited for.
 */
async function throughHolderOrDirect(
  dir: string,
  request: AdminRequest,
  err: Output['err'],
): Promise<Outcome> {
  // Refuses a run directory that is not this user's: its socket could be anyone's.
  ensureRunDirectory(dir);
  const path = adminSocketPath(dir);
  const deadline = Date.now() + HOLDER_WAIT_MS;
  let said = false;
  for (;;) {
    const answer = await askServer(path, request);
    if (answer) return { response: answer, route: 'server' };
    const holder = pgliteHolder(dir);
    if (holder === null) {
      try {
        return { response: await direct(request, dir), route: 'direct' };
      } catch (error) {
        // A server took the directory in between: ask it instead.
        if (!(error instanceof PgliteLockedError)) throw error;
        continue;
      }
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `process ${holder} holds the database directory ${dir} but does not answer on ${path} (waited ${HOLDER_WAIT_MS / 1000} s)`,
      );
    }
    if (!said) err(`latchkey: process ${holder} holds ${dir}; waiting for it to answer on its admin socket`);
    said = true;
    await sleep(250);
  }
}

/** The server's answer; null when no server listens on `path` (no file, or a dead server's). */
function askServer(path: string, request: AdminRequest): Promise<AdminResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let data = '';
    socket.setEncoding('utf8');
    socket.setTimeout(ANSWER_MS, () => {
      socket.destroy();
      reject(new Error(`the server did not answer on ${path} within ${ANSWER_MS / 1000} s`));
    });
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(data.split('\n')[0] ?? '') as AdminResponse);
      } catch {
        reject(new Error(`unreadable answer on ${path}`));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') resolve(null);
      else reject(new Error(`cannot reach the server on ${path}: ${error.code ?? error.message}`));
    });
  });
}
