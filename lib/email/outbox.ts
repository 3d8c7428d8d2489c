import 'server-only';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { env } from '@/lib/env';

/**
 * The development transport: each message a JSON file in OUTBOX_DIR, shown at /dev/outbox.
 * Files hold live reset links, so they are readable by this user only (0600, folder 0700).
 */
const messageSchema = z.object({
  id: z.string(),
  to: z.string(),
  from: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  createdAt: z.string(),
});

export type OutboxMessage = z.infer<typeof messageSchema>;

// <ms since epoch, 13 digits>-<per-process sequence, 6 digits>-<uuid>.json: names sort by time
// (and, within one millisecond of one process, by order of writing).
const FILE_NAME = /^\d{13}-\d{6}-[0-9a-f-]{36}\.json$/;
let sequence = 0;

export async function writeOutbox(
  dir: string,
  mail: Omit<OutboxMessage, 'id' | 'createdAt'>,
): Promise<OutboxMessage> {
  const now = new Date();
  const message: OutboxMessage = { id: randomUUID(), ...mail, createdAt: now.toISOString() };
  sequence = (sequence + 1) % 1_000_000;
  const name = `${String(now.getTime()).padStart(13, '0')}-${String(sequence).padStart(6, '0')}-${message.id}.json`;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Write, then rename into place: a reader sees the whole message or no file, never half of one.
  // The temporary name starts with a dot and does not match FILE_NAME, so listOutbox skips it.
  const temporary = path.join(dir, `.${name}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(message, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, path.join(dir, name));
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
  return message;
}

/** Messages in the outbox, newest first (at most `limit`); unreadable files are skipped. */
export async function listOutbox(dir: string = env().OUTBOX_DIR, limit = 50): Promise<OutboxMessage[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const newest = names
    .filter((n) => FILE_NAME.test(n))
    .sort()
    .reverse()
    .slice(0, limit);
  const messages = await Promise.all(newest.map((n) => readMessage(path.join(dir, n))));
  return messages.filter((m): m is OutboxMessage => m !== null);
}

async function readMessage(file: string): Promise<OutboxMessage | null> {
  try {
    const parsed = messageSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // removed meanwhile, or not ours
  }
}
