// Latchkey's HTTP entry point: Next.js behind a plain Node server, for one reason.
// `next start` keeps a client-sent X-Forwarded-For as it is, so the app could not tell the
// socket's peer address from a spoofed header. Here the peer address is stamped into a header
// the client cannot set (any incoming copy is overwritten), and with TRUST_PROXY_HOPS=0 the
// client's X-Forwarded-* headers are dropped, so neither rate limits nor URLs trust them.
// Request bodies over the limit Next is given (lib/http/body-size-limit.cjs, the one source) are
// answered 413 here, before Next reads them; Next would answer them with a 500.
// SIGTERM and SIGINT drain it (lib/http/graceful.mjs): requests in flight finish, within
// SHUTDOWN_TIMEOUT_MS, before the database and store close and the process exits 0.
import nextEnv from '@next/env';
import { createBodyLimitedServer } from './lib/http/body-limit.mjs';
import { refuseUndecodablePath } from './lib/http/decodable-path.mjs';
import { drainOnSignal, listenOrExit } from './lib/http/graceful.mjs';
import { answerDatabaseOutageWith503 } from './lib/http/unavailable.mjs';

// Must match PEER_HEADER in lib/http/client-ip.ts.
const PEER_HEADER = 'x-latchkey-peer';

const dev = process.argv.includes('--dev');
process.env.NODE_ENV ??= dev ? 'development' : 'production';
// The .env files are read before PORT, so a PORT set there is both where this server listens and
// (while APP_URL is unset) where lib/env.ts points links in mail.
nextEnv.loadEnvConfig(process.cwd(), dev);
const port = Number(process.env.PORT || 3000);
// lib/env.ts validates it (instrumentation stops start-up on a bad value, during prepare()).
const shutdownTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS || 10_000);

const { default: next } = await import('next');
const app = next({ dev, hostname: 'localhost', port, turbopack: dev });
await app.prepare();
const hops = Number(process.env.TRUST_PROXY_HOPS ?? 0);
const handle = app.getRequestHandler();
const upgrade = app.getUpgradeHandler();

function stamp(req) {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? '';
  if (!(hops > 0)) {
    for (const h of [
      'x-forwarded-for',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-forwarded-port',
      'x-real-ip',
    ]) {
      delete req.headers[h];
    }
  }
}

const server = createBodyLimitedServer((req, res) => {
  if (refuseUndecodablePath(req, res)) return;
  stamp(req);
  answerDatabaseOutageWith503(res);
  handle(req, res);
});
server.on('upgrade', (req, socket, head) => {
  stamp(req);
  upgrade(req, socket, head);
});
drainOnSignal(server, { timeoutMs: shutdownTimeoutMs });
// No host given: Node listens on every address, IPv6 and IPv4 alike.
listenOrExit(server, port, () => {
  console.info(`latchkey: ${dev ? 'development' : 'production'} server on http://localhost:${port}`);
});
