// The malformed-input run of `npm run attack`: a bounded number of requests carrying garbage
// (bench/attacks/malformed-requests.ts) to every server action, to bogus action ids and to every
// route, each from its own client address. It counts statuses by cause and says which causes got
// server errors: a 5xx, or the app's own "Something went wrong" reply (an action that threw,
// caught and answered 200). Requests are well-formed (the action encodings Next.js and React
// produce, whatever the arguments and values; any URL, cookie or header) or bent (hand-broken
// `$ACTION_` fields, bodies that are no action encoding at all): a server error on a well-formed
// request comes from the app's code paths, or from Next.js on a request anyone can send; on a
// bent one, from Next.js failing to decode it before the app sees anything. Both are reported;
// only the first fail the run.
import { register } from '../accounts';
import type { AddressPool } from '../addresses';
import { CookieJar, SESSION_COOKIE } from '../forms';
import { serverActions } from '../server';
import { type Probe, pagePattern, probe, ROUTES, type Target } from './malformed-requests';

const REQUESTS = 3000;
const WIDTH = 8;
const TIMEOUT_MS = 30_000;
const CAUGHT_FAULT = 'Something went wrong on our side';

type Errors = Map<string, { count: number; sample: string }>;
/** Per cause: statuses, and the server errors (or requests without an answer) by kind. */
type Tally = {
  requests: number;
  statuses: Map<string, number>;
  wellFormed: Errors;
  bent: Errors;
  unanswered: Errors;
};

export type MalformedResult = {
  report: string[];
  /** Server errors on well-formed requests: these fail the run. */
  serverErrors: number;
  alive: boolean;
};

const bump = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
const sum = (errors: Errors) => [...errors.values()].reduce((n, e) => n + e.count, 0);
const sorted = (m: Map<string, number>) =>
  [...m]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s} ×${n}`)
    .join(', ');

/** One request; its status (or why there was none) and whether the app said it failed. */
async function send(baseUrl: string, p: Probe, from: string): Promise<{ status: string; fault: boolean }> {
  try {
    const response = await fetch(`${baseUrl}${p.path}`, {
      method: p.method,
      headers: { origin: baseUrl, 'x-forwarded-for': from, ...p.headers },
      body: p.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = p.method === 'HEAD' ? '' : await response.text();
    return { status: String(response.status), fault: response.status < 500 && text.includes(CAUGHT_FAULT) };
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
    return {
      status: `no answer (${cause?.code ?? (error instanceof Error ? error.name : 'error')})`,
      fault: false,
    };
  }
}

function errorLines(causes: Map<string, Tally>, which: 'wellFormed' | 'bent' | 'unanswered'): string[] {
  return [...causes]
    .filter(([, t]) => t[which].size > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([cause, t]) =>
        `    ${cause}: ${sum(t[which])} of ${t.requests}: ${[...t[which]]
          .map(([kind, e]) => `${kind} ×${e.count} (e.g. ${e.sample})`)
          .join('; ')}`,
    );
}

export async function runMalformed(baseUrl: string, addresses: AddressPool): Promise<MalformedResult> {
  const jar = new CookieJar(addresses.next());
  await register(baseUrl, jar);
  const session = { cookie: jar.header() };
  if (!jar.get(SESSION_COOKIE)) throw new Error('malformed input: the registration left no session cookie');
  const targets: Target[] = serverActions().map((action) => {
    const pattern = pagePattern(action.pages[0] ?? 'app/page');
    return { action, pattern, cause: `${action.exportedName} (POST ${pattern})` };
  });

  const causes = new Map<string, Tally>();
  const statuses = new Map<string, number>();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const p = await probe(next++, targets, session);
      const { status, fault } = await send(baseUrl, p, addresses.next());
      bump(statuses, status);
      const tally: Tally = causes.get(p.cause) ?? {
        requests: 0,
        statuses: new Map(),
        wellFormed: new Map(),
        bent: new Map(),
        unanswered: new Map(),
      };
      causes.set(p.cause, tally);
      tally.requests++;
      bump(tally.statuses, status);
      const unanswered = status.startsWith('no answer');
      if (status.startsWith('5') || fault || unanswered) {
        const errors = unanswered ? tally.unanswered : p.wellFormed ? tally.wellFormed : tally.bent;
        const kind = fault ? `${p.kind}, answered "${CAUGHT_FAULT}"` : p.kind;
        const entry = errors.get(kind) ?? { count: 0, sample: p.what };
        entry.count++;
        errors.set(kind, entry);
      }
    }
  };
  await Promise.all(Array.from({ length: WIDTH }, worker));
  const seconds = (performance.now() - started) / 1000;

  const answer = async (path: string, headers: Record<string, string> = {}) => {
    try {
      const r = await fetch(`${baseUrl}${path}`, { redirect: 'manual', headers });
      const html = await r.text();
      return { status: r.status, html };
    } catch {
      return { status: 0, html: '' };
    }
  };
  const alive = (await answer('/')).status === 200;
  const dashboard = await answer('/dashboard', { cookie: session.cookie });
  const sessionLives = dashboard.status === 200 && dashboard.html.includes('Signed in as');
  const wellFormed = [...causes.values()].reduce((n, t) => n + sum(t.wellFormed), 0);
  const bent = [...causes.values()].reduce((n, t) => n + sum(t.bent), 0);
  const unanswered = [...causes.values()].reduce((n, t) => n + sum(t.unanswered), 0);
  const report = [
    `malformed input: ${REQUESTS} requests (${WIDTH} at a time) in ${seconds.toFixed(1)} s to ${targets.length} server ` +
      `actions, bogus action ids and ${ROUTES.length} routes, each from its own client address`,
    `  statuses: ${sorted(statuses)}`,
    `  server errors (a 5xx, or "${CAUGHT_FAULT}") on well-formed requests: ${wellFormed}` +
      (wellFormed ? `, by cause and kind:\n${errorLines(causes, 'wellFormed').join('\n')}` : ''),
    `  server errors on bent requests (Next.js refusing an action encoding it cannot decode; not counted): ${bent}` +
      (bent ? `, by cause and kind:\n${errorLines(causes, 'bent').join('\n')}` : ''),
    `  no answer (the connection closed before a status; not counted): ${unanswered}` +
      (unanswered ? `, by cause and kind:\n${errorLines(causes, 'unanswered').join('\n')}` : ''),
    `  requests by cause:\n${[...causes]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([cause, t]) => `    ${cause}: ${t.requests} → ${sorted(t.statuses)}`)
      .join('\n')}`,
    `  afterwards: GET / ${alive ? 'answers 200' : 'does NOT answer 200'}; the fuzzing account's session ` +
      `${sessionLives ? 'still works' : `has ENDED (GET /dashboard: ${dashboard.status})`}`,
  ];
  return { report, serverErrors: wellFormed, alive };
}
