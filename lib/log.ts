/**
 * What we log about an unexpected error: the error's name, code and first line. A database error's message
 * continues with the query's parameters (drizzle: "Failed query: …\nparams: …"), which can hold
 * hashes, addresses and ids: that part never reaches the log.
 */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const cause = error.cause as { code?: unknown } | undefined;
  const code = (error as { code?: unknown }).code ?? cause?.code;
  const firstLine = (error.message.split('\n')[0] ?? '').slice(0, 300);
  return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${firstLine}`;
}
