import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ctx } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { sendSecurityNotice } from './notices';

// The outbox "directory" is a file, so every send fails the way a full disk or a dead SMTP
// server does: with an error from the transport.
const base = vi.hoisted(() => {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/latchkey-notices-fail-${process.pid}-${Date.now()}`;
  process.env.OUTBOX_DIR = `${dir}/not-a-directory/outbox`;
  delete process.env.SMTP_URL;
  return dir;
});

setupIntegration();
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('a notice that cannot be sent', () => {
  it('is reported as not sent and logged without the address; the caller carries on', async () => {
    mkdirSync(base, { recursive: true });
    writeFileSync(`${base}/not-a-directory`, 'a file');
    const user = await makeUser();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expect(sendSecurityNotice(user.id, { kind: 'password_changed' }, ctx())).resolves.toBe(false);
      const logged = errors.mock.calls.map((args) => JSON.stringify(args)).join('\n');
      expect(logged).toMatch(/security notice password_changed not sent/);
      expect(logged).not.toContain(user.email);
    } finally {
      errors.mockRestore();
    }
  });
});
