// Request bodies over the limit are answered 413 here, before Next reads them: Next would answer
// them with a 500 (its own check throws), after buffering up to the limit. Used by server.mjs.
import { createServer, IncomingMessage } from 'node:http';
import { finished } from 'node:stream';
import { BODY_SIZE_LIMIT_BYTES } from './body-size-limit.cjs';

const REFUSAL = 'Request body too large.\n';

/**
 * Past the limit, how much more of the body is read and thrown away while waiting for its end. A
 * socket closed with unread data sends a reset, which can wipe the 413 from the client's buffer
 * before it is read; a client that sent a form somewhat too large gets a clean answer, while one
 * that keeps sending is cut off here.
 */
const DRAIN_BYTES = 8 * 1024 * 1024;

/**
 * A request that counts its body. Every byte a Readable gives its readers enters through push()
 * (the stream contract), so counting here sees declared and chunked bodies alike, before Next or
 * anyone reads them, without reading anything itself.
 */
class CountedRequest extends IncomingMessage {
  /** @type {((chunk: Buffer | null) => boolean) | undefined} false: keep the chunk from readers */
  onBody = undefined;

  push(chunk, encoding) {
    if (this.onBody && !this.onBody(chunk)) return true;
    return super.push(chunk, encoding);
  }
}

/**
 * An http.Server that gives `handler` no request body over `limit` bytes. A request whose
 * Content-Length is larger never reaches `handler`; a body without one (chunked) is counted as it
 * arrives, and past the limit the handler's reader gets an error, never the end of a cut-short
 * body it could take for the whole. Either way, once the client has sent the body, it gets a 413
 * (unless the handler answered already) and the connection closes.
 */
export function createBodyLimitedServer(handler, limit = BODY_SIZE_LIMIT_BYTES) {
  return createServer({ IncomingMessage: CountedRequest }, (req, res) => {
    if (!watchBody(req, res, limit)) handler(req, res);
  });
}

/** Counts req's body against the limit; true when it is refused already, by its Content-Length. */
function watchBody(req, res, limit) {
  let received = 0;
  let over = Number(req.headers['content-length']) > limit;
  const refuse = () => {
    req.onBody = () => false;
    if (!res.headersSent) {
      res.writeHead(413, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(REFUSAL),
        connection: 'close',
      });
      res.end(REFUSAL);
    }
    // The answer is in the kernel's hands: now the reader, if any, fails and the socket closes.
    finished(res, () => req.destroy());
  };
  req.onBody = (chunk) => {
    if (chunk === null) {
      if (over) refuse();
      return !over;
    }
    received += chunk.length;
    if (!over && received <= limit) return true;
    over = true;
    if (received > limit + DRAIN_BYTES) req.destroy();
    return false;
  };
  // Nobody else reads a body refused up front: read it here, into onBody, which drops it.
  if (over) req.resume();
  return over;
}
