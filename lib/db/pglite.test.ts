import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite, PGLITE_SETTINGS } from './pglite';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every WebAssembly memory created while `fn` runs, counted in this process. */
async function wasmMemoriesDuring(fn: () => Promise<void>): Promise<number> {
  const Original = WebAssembly.Memory;
  let created = 0;
  WebAssembly.Memory = new Proxy(Original, {
    construct(target, args: [WebAssembly.MemoryDescriptor]) {
      created++;
      return Reflect.construct(target, args);
    },
  });
  try {
    await fn();
  } finally {
    WebAssembly.Memory = Original;
  }
  return created;
}

describe('the embedded database', () => {
  it('runs with the settings of PGLITE_SETTINGS, not PostgreSQL server defaults', async () => {
    const pg = await openPglite('memory://');
    try {
      for (const [name, value] of Object.entries(PGLITE_SETTINGS)) {
        const { rows } = await pg.query<Record<string, string>>(`show ${name}`);
        expect(rows[0]?.[name]).toBe(value);
      }
    } finally {
      await pg.close();
    }
  });

  it('creates a new directory in a child process and keeps what is written to it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'latchkey-pglite-')), 'data');
    dirs.push(dir);
    // In this process only the database's own memory: initdb's second PostgreSQL and its
    // module (two more memories) ran in the child.
    const memories = await wasmMemoriesDuring(async () => {
      const pg = await openPglite(dir);
      await pg.exec('create table kept (v text); insert into kept values ($$written$$)');
      await pg.close();
    });
    expect(memories).toBe(1);

    const again = await openPglite(dir);
    try {
      expect((await again.query('select v from kept')).rows).toEqual([{ v: 'written' }]);
      expect((await again.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]).toEqual({
        shared_buffers: PGLITE_SETTINGS.shared_buffers,
      });
    } finally {
      await again.close();
    }
  });
});
