// Graceful shutdown for server.mjs, on any http.Server (so vitest can drive it with a plain one).
// An orchestrator (systemd, Kubernetes, docker stop) sends SIGTERM and, after its own grace period,
// SIGKILL: requests in flight (a password change, a code being consumed) should finish rather than
// be cut, and the database and Redis connections should be closed rather than dropped.
// Next runs in this same process, so the state both sides read lives on globalThis: the route
// handlers are bundled by Next and get their own copy of this module.

const DRAINING = '__latchkeyDraining';
const HOOKS = '__latchkeyShutdownHooks';

/** True once shutdown has begun: /api/ready answers 503 so a load balancer stops sending traffic. */
export function isDraining() {
  return globalThis[DRAINING] === true;
}

/**
 * Something to close after the last request: registered by instrumentation.ts (database, store).
 * Keyed by name, so a second register() (dev reloads) replaces rather than doubles.
 */
export function onShutdown(name, hook) {
  globalThis[HOOKS] ??= new Map();
  globalThis[HOOKS].set(name, hook);
}

/**
 * Runs every hook, even after one fails; the names of those that failed. Each gets `timeoutMs`:
 * closing a pool waits for its queries, and one that hangs must not keep the process up until
 * the orchestrator's SIGKILL.
 */
export async function runShutdownHooks(timeoutMs = 5_000) {
  const hooks = [...(globalThis[HOOKS]?.entries() ?? [])];
  const bounded = (hook) => {
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
    });
    return Promise.race([Promise.resolve().then(hook), late]).finally(() => clearTimeout(timer));
  };
  const results = await Promise.allSettled(hooks.map(([, hook]) => bounded(hook)));
  return hooks.filter((_, i) => results[i].status === 'rejected').map(([name]) => name);
}

// Conventional shell status for death by signal, for a second signal that cuts the drain short.
const SIGNAL_STATUS = { SIGINT: 130, SIGTERM: 143 };

/**
 * Drains `server` on SIGTERM or SIGINT (received through `signals`, process by default):
 * 1. the draining flag is set and the server stops accepting connections;
 * 2. idle keep-alive connections are closed at once, and every response finished from then on
 *    carries `Connection: close`, so a client's pooled socket does not outlive the server;
 * 3. requests in flight get up to `timeoutMs` to finish; whatever remains is then cut;
 * 4. the shutdown hooks run, and `exit(0)` (1 if a hook failed).
 * A second signal during the drain exits at once, unless it comes within `echoMs` of the first:
 * Ctrl-C, and `kill -- -PGID`, signal the whole process group, and npm forwards its own copy to
 * this process too, so one intent arrives twice within milliseconds. Call before listen(), so
 * every connection is seen. Returns `shutdown(reason)` for callers (and tests) that start it.
 */
export function drainOnSignal(
  server,
  {
    timeoutMs = 10_000,
    exit = (code) => process.exit(code),
    log = console.info,
    signals = process,
    echoMs = 1_000,
  } = {},
) {
  let firstSignalAt = 0;
  const inFlight = new Set();
  let draining;
  // Upgraded sockets (dev's hot-reload WebSocket) leave Node's connection list, so neither
  // closeIdleConnections nor closeAllConnections sees them; they would hold server.close() open.
  const upgraded = new Set();

  const closeAfter = (res) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };

  // Prepended, so the header is set before the app's handler can send its response.
  server.prependListener('request', (_req, res) => {
    inFlight.add(res);
    if (draining) closeAfter(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A response whose headers went out before the drain began could not say `close`: its
      // connection is closed here once it is idle.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  server.on('upgrade', (req) => {
    upgraded.add(req.socket);
    req.socket.once('close', () => upgraded.delete(req.socket));
  });

  function shutdown(reason) {
    if (draining) return draining;
    globalThis[DRAINING] = true;
    log(
      `latchkey: ${reason}: finishing ${inFlight.size} request(s) in flight (up to ${timeoutMs} ms), then stopping`,
    );
    for (const res of inFlight) closeAfter(res);
    const closed = new Promise((resolve) => server.close(() => resolve()));
    // server.close() closes idle connections itself on Node 19+; Node 18.2+ needs the call.
    server.closeIdleConnections();
    for (const socket of upgraded) socket.destroy();
    let timer;
    const deadline = new Promise((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    draining = Promise.race([closed.then(() => false), deadline])
      .then(async (late) => {
        clearTimeout(timer);
        if (late) {
          log(`latchkey: ${inFlight.size} request(s) still running after ${timeoutMs} ms: closing them`);
          server.closeAllConnections();
          for (const socket of upgraded) socket.destroy();
          await closed;
        }
        const failed = await runShutdownHooks();
        if (failed.length > 0) log(`latchkey: could not close ${failed.join(', ')} cleanly`);
        log('latchkey: stopped');
        exit(failed.length > 0 ? 1 : 0);
      })
      .catch(() => exit(1));
    return draining;
  }

  for (const signal of ['SIGTERM', 'SIGINT']) {
    signals.on(signal, () => {
      if (draining) {
        if (Date.now() - firstSignalAt < echoMs) return;
        log(`latchkey: ${signal} again: stopping now`);
        exit(SIGNAL_STATUS[signal]);
        return;
      }
      firstSignalAt = Date.now();
      shutdown(signal);
    });
  }
  return { shutdown };
}

/**
 * listen(), where failing to (port taken, no permission) stops the process with one line and a
 * non-zero status: a supervisor restarting it, or a script waiting for the port, must not take a
 * second server that exited 0 for one that is serving.
 */
export function listenOrExit(
  server,
  port,
  onListening,
  { exit = (code) => process.exit(code), log = console.error } = {},
) {
  const fail = (error) => {
    log(`latchkey: cannot listen on port ${port}: ${error?.code ?? error?.message ?? error}`);
    exit(1);
  };
  server.once('error', fail);
  server.listen(port, () => {
    server.off('error', fail);
    onListening();
  });
}
