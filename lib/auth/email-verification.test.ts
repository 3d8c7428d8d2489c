import { afterEach, describe, expect, it, vi } from 'vitest';
import { listOutbox } from '@/lib/email/outbox';
import { ctx, pinClockToMidWindow } from '@/tests/helpers';
import { makeUser, setupIntegration, userRow } from '@/tests/integration';
import { tempOutbox } from '@/tests/outbox';
import { resendVerificationEmail, sendVerificationEmail, verifyEmail } from './email-verification';

const outbox = tempOutbox('verify');

setupIntegration();
afterEach(() => {
  vi.useRealTimers();
});

async function linkTo(email: string): Promise<string> {
  const mail = (await listOutbox(outbox)).find((m) => m.to === email);
  const match = mail?.text.match(/\/verify-email\/([A-Za-z0-9_-]+)/);
  if (!match?.[1]) throw new Error(`no verification link for ${email}`);
  return match[1];
}

describe('email verification', () => {
  it('sends a link that verifies the address once', async () => {
    const user = await makeUser();
    await sendVerificationEmail(user, ctx());
    const mail = (await listOutbox(outbox)).find((m) => m.to === user.email);
    expect(mail?.subject).toMatch(/Verify your email address/);
    expect(mail?.text).toMatch(/^http:\/\/localhost:3000\/verify-email\//m);
    const token = await linkTo(user.email);

    expect((await userRow(user.email))?.emailVerifiedAt).toBeNull();
    expect(await verifyEmail(token, ctx())).toBe(true);
    expect((await userRow(user.email))?.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await verifyEmail(token, ctx())).toBe(false);
  });

  it('a newer link disables the older one', async () => {
    const user = await makeUser();
    await sendVerificationEmail(user, ctx());
    const older = await linkTo(user.email);
    await sendVerificationEmail(user, ctx());
    const newer = await linkTo(user.email);
    expect(newer).not.toBe(older);
    expect(await verifyEmail(older, ctx())).toBe(false);
    expect(await verifyEmail(newer, ctx())).toBe(true);
  });

  it('resending is limited to 3 an hour per account', async () => {
    // The limit counts in fixed hour windows: sends straddling an hour's end count in two.
    pinClockToMidWindow();
    const user = await makeUser();
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await resendVerificationEmail(user, ctx())).ok);
    expect(results).toEqual([true, true, true, false]);
  });

  it('garbage is not a link', async () => {
    for (const bad of [undefined, '', 'x'.repeat(100_000), '../../etc/passwd', { token: 'x' }]) {
      expect(await verifyEmail(bad, ctx())).toBe(false);
    }
  });
});
