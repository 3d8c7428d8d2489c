import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOutbox, writeOutbox } from './outbox';
import { sendMail } from './send';
import type { MailSettings } from './settings';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'latchkey-outbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mail = (n: number) => ({
  from: 'Latchkey <no-reply@localhost>',
  to: `user${n}@example.com`,
  subject: `Message ${n}`,
  text: `Body ${n}: http://localhost:3000/reset-password/token-${n}`,
  html: `<p>Body ${n}</p>`,
});

describe('outbox', () => {
  it('stores a message as one JSON file with every field, readable by this user only', async () => {
    const stored = await writeOutbox(dir, mail(1));
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const file = path.join(dir, files[0] ?? '');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      id: stored.id,
      ...mail(1),
      createdAt: stored.createdAt,
    });
    expect(new Date(stored.createdAt).toISOString()).toBe(stored.createdAt);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('lists newest first, even for messages written within the same millisecond', async () => {
    for (let i = 1; i <= 5; i++) await writeOutbox(dir, mail(i));
    const listed = await listOutbox(dir);
    expect(listed.map((m) => m.subject)).toEqual([
      'Message 5',
      'Message 4',
      'Message 3',
      'Message 2',
      'Message 1',
    ]);
    expect((await listOutbox(dir, 2)).map((m) => m.subject)).toEqual(['Message 5', 'Message 4']);
  });

  it('names files so that sorting by name sorts by time', async () => {
    await writeOutbox(dir, mail(1));
    await new Promise((r) => setTimeout(r, 5));
    await writeOutbox(dir, mail(2));
    const names = await readdir(dir);
    const byName = [...names].sort();
    const messages = await Promise.all(
      byName.map(async (n) => JSON.parse(await readFile(path.join(dir, n), 'utf8')) as { createdAt: string }),
    );
    expect(messages[0]!.createdAt < messages[1]!.createdAt).toBe(true);
  });

  it('writes atomically: many concurrent writes, each file whole, no temporary file left', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => writeOutbox(dir, mail(i))));
    const names = await readdir(dir);
    expect(names).toHaveLength(40);
    expect(names.filter((n) => n.startsWith('.') || n.endsWith('.tmp'))).toEqual([]);
    for (const n of names) {
      const message = JSON.parse(await readFile(path.join(dir, n), 'utf8')) as { subject: string };
      expect(message.subject).toMatch(/^Message \d+$/);
    }
    expect(await listOutbox(dir, 100)).toHaveLength(40);
  });

  it('skips half-written temporary files, foreign files and corrupt ones', async () => {
    await writeOutbox(dir, mail(1));
    const name = `${String(Date.now() + 1000).padStart(13, '0')}-000001-00000000-0000-4000-8000-000000000000.json`;
    await writeFile(path.join(dir, `.${name}.tmp`), '{"id":"half');
    await writeFile(path.join(dir, name), 'not json');
    await writeFile(path.join(dir, 'notes.txt'), 'hello');
    const listed = await listOutbox(dir);
    expect(listed.map((m) => m.subject)).toEqual(['Message 1']);
  });

  it('lists nothing when the folder does not exist yet', async () => {
    expect(await listOutbox(path.join(dir, 'missing'))).toEqual([]);
  });

  it('is what sendMail uses when the outbox transport is on, creating the folder', async () => {
    const outboxDir = path.join(dir, 'nested', 'outbox');
    const settings: MailSettings = {
      transport: 'outbox',
      smtpUrl: undefined,
      from: 'Latchkey <a@b.example>',
      outboxDir,
    };
    const sent = await sendMail(
      { to: 'person@example.com', subject: 'Hello', text: 'Text', html: '<p>Text</p>' },
      settings,
    );
    expect(sent.transport).toBe('outbox');
    const [message] = await listOutbox(outboxDir);
    expect(message).toMatchObject({
      id: sent.id,
      to: 'person@example.com',
      from: 'Latchkey <a@b.example>',
      subject: 'Hello',
      text: 'Text',
      html: '<p>Text</p>',
    });
    if (process.platform !== 'win32') expect((await stat(outboxDir)).mode & 0o777).toBe(0o700);
  });
});
