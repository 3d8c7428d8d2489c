import 'server-only';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { runDirectory } from '@/lib/db/pglite-lock';
import type { RequestContext } from '@/lib/http/request-context';
import { emailField } from '@/lib/validation/fields';

/**
 * The admin socket: how `npm run admin:grant` reaches a server that holds the embedded database
 * (lib/db/pglite-lock.ts), since it cannot open the files itself. One request per connection,
 * one JSON line each way, and only these two operations: it changes a role, nothing else, and
 * no SQL or other verb can travel over it. Its authentication is the file system: the socket
 * sits in the directory's run directory (mode 0700, this user's), so only whoever can already
 * read the database files can connect; it is never reachable over HTTP.
 */
export const adminRequestSchema = z.strictObject({
  op: z.enum(['grant', 'revoke']),
  email: emailField,
});
export type AdminRequest = z.output<typeof adminRequestSchema>;

export type AdminResponse =
  | { ok: true; changed: boolean }
  | { ok: false; error: 'no_such_account' | 'bad_request' | 'failed' };

/**
 * What the audit trail records as the change's origin: there is no request, and no client
 * address to name (the socket has none), so it says where the change came from.
 */
export const COMMAND_LINE_CONTEXT: RequestContext = { ip: 'command line', userAgent: null };

/** A request line longer than this is not one of ours (an address is at most 254 characters). */
export const MAX_REQUEST_BYTES = 1024;

// sun_path holds 108 bytes on Linux and 104 on macOS, with its terminating NUL.
const MAX_SOCKET_PATH = 103;

/**
 * The socket's path for the directory `dir`, as short as it can be written from here: the
 * relative form when the absolute one is too long for a socket address (server and command
 * line both run from the project's directory). Throws when neither fits.
 */
export function adminSocketPath(dir: string): string {
  const absolute = join(runDirectory(dir), 'admin.sock');
  if (Buffer.byteLength(absolute) <= MAX_SOCKET_PATH) return absolute;
  const fromHere = relative(process.cwd(), absolute);
  if (Buffer.byteLength(fromHere) <= MAX_SOCKET_PATH) return fromHere;
  throw new Error(
    `the admin socket's path (${absolute}) is too long for a Unix socket: use a shorter PGLITE_DIR`,
  );
}
