import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueEmailToken } from '@/lib/auth/email-tokens';
import { verifyEmail } from '@/lib/auth/email-verification';
import { ctx, pinClockToMidWindow } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { tempOutbox } from '@/tests/outbox';
import { sendSecurityNotice } from './notices';
import { listOutbox } from './outbox';

const outbox = tempOutbox('notices-sec');
setupIntegration();
// The limits count in fixed windows (an hour, a day): sends straddling a window's end count in
// two. Mid 15-minute window is at least 7.5 minutes from any hour's or day's end too.
beforeEach(() => {
  pinClockToMidWindow();
});
afterEach(() => {
  vi.useRealTimers();
});

const mailsTo = async (email: string) => (await listOutbox(outbox)).filter((m) => m.to === email);

describe('security notices cannot be turned into a mail cannon', () => {
  it('to a verified address: at most 3 of a kind an hour; other kinds still go', async () => {
    const user = await makeUser();
    await verifyEmail(await issueEmailToken({ userId: user.id, purpose: 'verify_email' }), ctx());
    const sent = [];
    for (let i = 0; i < 6; i++)
      sent.push(await sendSecurityNotice(user.id, { kind: 'password_changed' }, ctx()));
    expect(sent).toEqual([true, true, true, false, false, false]);
    expect(await sendSecurityNotice(user.id, { kind: 'mfa_disabled' }, ctx())).toBe(true);
    expect(await mailsTo(user.email)).toHaveLength(4);
  });

  it('to an address never verified: one of a kind a day', async () => {
    const user = await makeUser();
    const sent = [];
    for (let i = 0; i < 4; i++)
      sent.push(await sendSecurityNotice(user.id, { kind: 'password_changed' }, ctx()));
    expect(sent).toEqual([true, false, false, false]);
    expect(await mailsTo(user.email)).toHaveLength(1);
  });
});
