// `npm run attack`: the attacks of the security issue replayed over HTTP against a production
// build (bench/server.ts: our own server on loopback, throwaway database and outbox), one line per
// attack, `held` or `broke` with the figures behind it; then malformed input to every route and
// action. Exit 0 when every attack held and no well-formed request got a server error (see
// attacks/malformed.ts); 1 otherwise, saying which.
import { availableParallelism } from 'node:os';
import { AddressPool } from './addresses';
import type { Attack } from './attacks/attack';
import { noticeFlood, refusalsInHistory } from './attacks/history';
import { runMalformed } from './attacks/malformed';
import { argon2Budget, ipv6Rotation, ownerLockout, sessionsPerAccount, windowEdge } from './attacks/sign-in';
import { authJsRoutes, oversizedBodies, securityHeaders, weakPasswords } from './attacks/surface';
import { stepUpTiming } from './attacks/timing';
import { backupCodeRegeneration, stolenSessionSetup, undoTwoFactor } from './attacks/two-factor';
import { type BenchServer, ensureBuild, startServer } from './server';

/** In the issue's order; attack i uses client addresses of pool i + 1 only. */
const ATTACKS: Attack[] = [
  stolenSessionSetup,
  argon2Budget,
  sessionsPerAccount,
  backupCodeRegeneration,
  refusalsInHistory,
  noticeFlood,
  ownerLockout,
  windowEdge,
  ipv6Rotation,
  authJsRoutes,
  securityHeaders,
  oversizedBodies,
  stepUpTiming,
  weakPasswords,
  undoTwoFactor,
];
const MALFORMED_POOL = 200;

type Line = { verdict: 'held' | 'broke' | 'error'; name: string };

async function main(): Promise<number> {
  ensureBuild();
  console.info(
    `attack: starting the production server (node ${process.version}, ${availableParallelism()} CPUs)`,
  );
  let server: BenchServer | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    console.error(`attack: ${signal}, stopping`);
    void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const started = performance.now();
  try {
    server = await startServer();
    const baseUrl = server.baseUrl;
    console.info(`attack: server ready on ${baseUrl}\n`);

    const lines: Line[] = [];
    for (const [i, attack] of ATTACKS.entries()) {
      let line: Line;
      try {
        const { held, figures } = await attack.run({ baseUrl, addresses: new AddressPool(i + 1) });
        line = { verdict: held ? 'held' : 'broke', name: attack.name };
        console.info(`${line.verdict.padEnd(5)} ${attack.name}: ${figures}`);
      } catch (error) {
        line = { verdict: 'error', name: attack.name };
        console.info(
          `error ${attack.name}: could not run: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      lines.push(line);
    }

    console.info('');
    const malformed = await runMalformed(baseUrl, new AddressPool(MALFORMED_POOL));
    for (const text of malformed.report) console.info(text);

    // Errors the server logged, most frequent first (the 5xx above, from the server's side).
    const logged = new Map<string, number>();
    for (const line of server.log().split('\n')) {
      if (/^\s*(⨯|Error:|latchkey: .*(failed|error))/.test(line))
        logged.set(line.trim(), (logged.get(line.trim()) ?? 0) + 1);
    }
    const top = [...logged].sort(([, a], [, b]) => b - a).slice(0, 15);
    console.info('');
    console.info(
      top.length
        ? `server log: ${logged.size} distinct error lines; the most frequent:\n${top.map(([l, n]) => `  ${n} × ${l.slice(0, 160)}`).join('\n')}`
        : 'server log: no errors',
    );

    const broke = lines.filter((l) => l.verdict !== 'held');
    const ok = broke.length === 0 && malformed.serverErrors === 0 && malformed.alive;
    console.info('');
    console.info(
      `attack: ${lines.length - broke.length} of ${lines.length} held` +
        (broke.length ? ` (${broke.map((l) => `${l.verdict}: ${l.name}`).join('; ')})` : '') +
        `; malformed input: ${malformed.serverErrors} server errors on well-formed requests${malformed.alive ? '' : ', and the server stopped answering'}` +
        `; ${((performance.now() - started) / 1000).toFixed(0)} s; exit ${ok ? 0 : 1}`,
    );
    return ok ? 0 : 1;
  } catch (error) {
    const tail = server?.log().trim().split('\n').slice(-30).join('\n');
    if (tail) console.error(`attack: the server's last output:\n${tail}`);
    throw error;
  } finally {
    await server?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `attack failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(1);
  },
);
