// Preloaded into server.mjs by bench/run.ts (`node --import`). server.mjs listens on every
// address and has no host setting; the bench's throwaway server (fresh database, known
// password) must be reachable from this machine only, so a listen() without a host gets
// 127.0.0.1. Nothing else changes.
import net from 'node:net';

const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (typeof first === 'number' && typeof second !== 'string') args.splice(1, 0, '127.0.0.1');
  else if (first && typeof first === 'object' && 'port' in first && !first.host) {
    args[0] = { ...first, host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
