import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { uniqueId } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { beginEnrollment, type Enrollment } from './totp-factor';

vi.hoisted(() => {
  // The contract's issuer is the default APP_NAME.
  delete process.env.APP_NAME;
});

setupIntegration();

const ZBARIMG = '/usr/bin/zbarimg';
const DATA_URL_PREFIX = 'data:image/png;base64,';

function png(enrollment: Enrollment): Buffer {
  expect(enrollment.qrDataUrl.startsWith(DATA_URL_PREFIX)).toBe(true);
  return Buffer.from(enrollment.qrDataUrl.slice(DATA_URL_PREFIX.length), 'base64');
}

/** An enrollment for an address with characters that must be encoded in the label. */
async function enroll(): Promise<{ email: string; enrollment: Enrollment }> {
  const email = `qa+${uniqueId('mfa')}@example.com`;
  const user = await makeUser(undefined, email);
  const enrollment = await beginEnrollment(user.id, email);
  if (!enrollment) throw new Error('beginEnrollment refused a new user');
  return { email, enrollment };
}

describe('the enrollment QR code', () => {
  it('the URI follows the Key URI format the contract gives', async () => {
    const { email, enrollment } = await enroll();
    expect(enrollment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrollment.uri).toBe(
      `otpauth://totp/Latchkey:${encodeURIComponent(email)}?secret=${enrollment.secret}` +
        '&issuer=Latchkey&algorithm=SHA1&digits=6&period=30',
    );
    expect(enrollment.uri).toContain('qa%2Bmfa-');
    expect(enrollment.uri).toContain('%40example.com?');
  });

  it('the PNG decodes (pngjs + jsQR) to exactly the URI', async () => {
    const { enrollment } = await enroll();
    const image = PNG.sync.read(png(enrollment));
    expect(image.width).toBeGreaterThan(100);
    const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(decoded?.data).toBe(enrollment.uri);
  });

  // zbarimg is an independent decoder (the one in many scanning pipelines); skipped where it is
  // not installed, since it is a system package and not an npm dependency.
  it.skipIf(!existsSync(ZBARIMG))('zbarimg reads the same URI from the PNG', async () => {
    const { enrollment } = await enroll();
    const dir = mkdtempSync(path.join(tmpdir(), 'latchkey-qr-'));
    try {
      const file = path.join(dir, 'qr.png');
      writeFileSync(file, png(enrollment));
      // stderr ignored: zbar may complain about a missing D-Bus, which does not matter here.
      const out = execFileSync(ZBARIMG, ['-q', '--raw', file], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      expect(out.trim()).toBe(enrollment.uri);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('each set-up shows a new secret in a new code', async () => {
    const { enrollment: a } = await enroll();
    const { enrollment: b } = await enroll();
    expect(a.secret).not.toBe(b.secret);
    expect(a.qrDataUrl).not.toBe(b.qrDataUrl);
  });
});
