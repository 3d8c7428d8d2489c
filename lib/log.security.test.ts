import { Console } from 'node:console';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { installLogFilter, scrubText } from './log';

/** A console writing into strings, the way the real one writes to stdout and stderr. */
function capturedConsole() {
  let out = '';
  const sink = () => {
    const stream = new PassThrough();
    stream.on('data', (chunk) => {
      out += chunk;
    });
    return stream;
  };
  const target = new Console({ stdout: sink(), stderr: sink(), colorMode: false });
  return { target, output: () => out };
}

/** The ways Next and libraries print a thrown error. */
function logLikeNext(target: Console, error: unknown) {
  target.error(error);
  // A render or action error reaches the log wrapped, the database error as its cause.
  target.error(new Error('An error occurred in the Server Components render', { cause: error }));
  // Next's prefixed logger: console.error(' ⨯', error).
  target.error(' ⨯', error);
  target.warn({ error });
  target.info(String((error as Error).stack));
  target.log('%s', (error as Error).message);
}

async function failedQueries(secret: string) {
  const database = await db();
  const errors: unknown[] = [];
  // PostgreSQL quotes the value it refused in its own message: invalid input syntax for type uuid.
  await database
    .select()
    .from(users)
    .where(eq(users.id, secret))
    .catch((e: unknown) => errors.push(e));
  // A duplicate: the secret is in drizzle's params and in PostgreSQL's `detail`.
  const row = { email: `${secret}@example.com`, passwordHash: `$argon2id$${secret}` };
  await database.insert(users).values(row);
  await database
    .insert(users)
    .values(row)
    .catch((e: unknown) => errors.push(e));
  return errors;
}

describe('the process-wide log filter', () => {
  afterAll(() => closeDb());

  it('keeps query parameters and refused values out of everything printed, however an error is logged', async () => {
    const secret = `secret-${randomUUID()}`;
    const errors = await failedQueries(secret);
    expect(errors).toHaveLength(2);

    // Unfiltered, the secret is printed: the test below would see it if the filter let it by.
    const raw = capturedConsole();
    for (const error of errors) logLikeNext(raw.target, error);
    expect(raw.output()).toContain(secret);

    const filtered = capturedConsole();
    installLogFilter(filtered.target);
    for (const error of errors) logLikeNext(filtered.target, error);
    const printed = filtered.output();
    expect(printed).not.toContain(secret);
    // What an operator needs is still there: the query, the SQLSTATE, where it was thrown.
    expect(printed).toContain('Failed query: select');
    expect(printed).toContain('[22P02]');
    expect(printed).toContain('[23505]');
    expect(printed).toContain('[cause]');
    expect(printed).toMatch(/\n\s+at /);
  });

  it('is installed once: a second call does not wrap twice', () => {
    const { target, output } = capturedConsole();
    installLogFilter(target);
    const first = target.error;
    installLogFilter(target);
    expect(target.error).toBe(first);
    target.error('plain line');
    expect(output()).toBe('plain line\n');
  });

  it('cuts the params of a failed query from any string, up to the stack frames', () => {
    const text =
      'Error: Failed query: select 1 where a = $1\nparams: hunter2,\n    at fake\nx\n    at real (file.js:1:1)';
    expect(scrubText(text)).toBe(
      'Error: Failed query: select 1 where a = $1\nparams: [not logged]\n    at fake\nx\n    at real (file.js:1:1)',
    );
  });
});
