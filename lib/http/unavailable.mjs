// A request that failed because the database is down is not a bug of ours: it answers 503 with
// Retry-After (RFC 9110 §15.6.4), so browsers, proxies and monitors know to come back, instead of
// Next's 500. Next renders the error page with 500 whatever the cause; here, in the Node server,
// the status is changed as the head goes out, when the database is known down at that moment
// (the circuit breaker in lib/db/health.ts, which shares its state through this global symbol).

const HEALTH = Symbol.for('latchkey.dbHealth');

/** Seconds until the breaker lets a probe through, at least 1; undefined while the database answers. */
export function databaseRetryAfterSeconds(now = Date.now()) {
  const state = globalThis[HEALTH];
  if (!state || state.downSince === null) return undefined;
  return Math.max(1, Math.ceil((state.retryAt - now) / 1000));
}

/** Wraps res.writeHead so a 500 during a known database outage goes out as 503 + Retry-After. */
export function answerDatabaseOutageWith503(res) {
  const writeHead = res.writeHead;
  res.writeHead = function (status, ...rest) {
    const retryAfter = status === 500 ? databaseRetryAfterSeconds() : undefined;
    if (retryAfter === undefined) return writeHead.call(this, status, ...rest);
    this.setHeader('Retry-After', String(retryAfter));
    this.setHeader('Cache-Control', 'no-store');
    // writeHead(status, reasonPhrase?, headers?): the reason phrase must follow the status.
    if (typeof rest[0] === 'string') rest[0] = 'Service Unavailable';
    return writeHead.call(this, 503, ...rest);
  };
}
