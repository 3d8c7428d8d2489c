// What a bench server printed, for the report: the lines every start prints dropped, identical
// lines once with a count (in the order they first appeared), at most `MAX_DISTINCT` of them.
const ROUTINE = /^latchkey: (production server on|database ready)|Running next\.config/;
const MAX_DISTINCT = 40;

/**
 * `label`'s log as report lines, indented by `indent`; with `last`, only its last lines (what a
 * failure needs).
 */
export function logSummary(
  label: string,
  log: string,
  options: { indent?: string; last?: number } = {},
): string {
  const { indent = '  ', last } = options;
  const raw = log.split('\n').filter((l) => l.trim() && !ROUTINE.test(l));
  const lines = last === undefined ? raw : raw.slice(-last);
  if (lines.length === 0) return `${indent}${label} log: clean`;
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  const distinct = [...counts];
  const what = last === undefined ? `${lines.length} lines` : `its last ${lines.length} lines`;
  return [
    `${indent}${label} log (${what}, ${distinct.length} distinct):`,
    ...distinct.slice(0, MAX_DISTINCT).map(([line, n]) => `${indent}  ${n > 1 ? `${n} × ` : ''}${line}`),
    ...(distinct.length > MAX_DISTINCT
      ? [`${indent}  … ${distinct.length - MAX_DISTINCT} more distinct lines`]
      : []),
  ].join('\n');
}
