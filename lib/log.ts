/**
 * What we log about an unexpected error: the error's name, code and first line. A database error's message
 * continues with the query's parameters (drizzle: "Failed query: …\nparams: …"), which can hold
 * hashes, addresses and ids: that part never reaches the log.
 */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const cause = error.cause as { code?: unknown } | undefined;
  const code = (error as { code?: unknown }).code ?? cause?.code;
  // PostgreSQL's data exceptions (SQLSTATE class 22) quote the value they refused
  // (`invalid input syntax for type uuid: "…"`): of those, the code is all that is kept.
  const quotesInput =
    typeof code === 'string' && code.startsWith('22') && code === (error as { code?: unknown }).code;
  // @upstash/redis appends the command it sent (keys: IP buckets, user ids) after "command was:".
  const firstLine = quotesInput
    ? ''
    : (error.message.split('\n')[0] ?? '').split(/,? command was:/)[0]?.slice(0, 300);
  return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}${firstLine ? `: ${firstLine}` : ''}`;
}

/**
 * Everything printed through the console passes through here once installLogFilter() ran: Next's
 * own error logging (a render, action or route that threw prints the error with console.error)
 * and every library's. util.inspect would print a drizzle error's whole message, its `params`
 * property and its cause's `detail` ("Key (email)=(…) already exists"): an error becomes
 * describeFailure's line, its stack frames (code locations only), its digest (what the person
 * was shown, to find the line) and its causes, described the same way.
 */
function describeForLog(error: Error, depth = 0): string {
  const digest = (error as { digest?: unknown }).digest;
  const lines = [
    `${describeFailure(error)}${typeof digest === 'string' ? ` (digest: ${digest})` : ''}`,
    ...stackFrames(error),
  ];
  if (error.cause instanceof Error && depth < 3) {
    lines.push(`  [cause] ${describeForLog(error.cause, depth + 1).replaceAll('\n', '\n  ')}`);
  }
  if (error instanceof AggregateError) lines.push(`  [errors] ${error.errors.length}`);
  return lines.join('\n');
}

/**
 * The "    at …" lines of a stack. V8 starts a stack with `name: message`, and a message can hold
 * line breaks and anything a parameter held (even text shaped like a frame): that header is cut
 * as a whole when it is there; otherwise only the trailing run of frames is kept.
 */
function stackFrames(error: Error): string[] {
  const stack = typeof error.stack === 'string' ? error.stack : '';
  const header = String(error);
  const rest = stack.startsWith(header) ? stack.slice(header.length) : stack;
  const lines = rest.split('\n');
  let start = lines.length;
  while (start > 0 && /^\s+at /.test(lines[start - 1] ?? '')) start--;
  return lines.slice(start);
}

/**
 * A string that holds a failed query (an error's stack or message formatted by someone else):
 * everything from "params:" up to the stack frames goes.
 */
export function scrubText(text: string): string {
  return text.replace(/(^|\n)params:[\s\S]*?(?=\n\s+at |$)/g, '$1params: [not logged]');
}

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value instanceof Error) return describeForLog(value);
  if (depth >= 2 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const INSTALLED = Symbol.for('latchkey.logFilter');

/**
 * Puts scrub() in front of `target`'s methods, once per console (instrumentation.ts calls it at
 * start-up; hot reloads call it again). Errors and strings are rewritten before util.format sees
 * them, so what reaches stdout and stderr has no query parameters, whoever logged it.
 */
export function installLogFilter(target: Console = console): void {
  const marked = target as Console & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  for (const method of METHODS) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => original(...args.map((arg) => scrub(arg)));
  }
  marked[INSTALLED] = true;
}
