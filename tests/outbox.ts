import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Mail of this test file goes to an outbox directory of its own, removed afterwards. Call it at
 * the top of the file: settings are read once, on first use, after the file has loaded.
 */
export function tempOutbox(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `latchkey-${tag}-`));
  process.env.OUTBOX_DIR = dir;
  delete process.env.SMTP_URL;
  delete process.env.MAIL_TRANSPORT;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
