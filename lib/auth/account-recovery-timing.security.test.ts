import { eq } from 'drizzle-orm';
import { afterEach, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { listOutbox } from '@/lib/email/outbox';
import { ctx } from '@/tests/helpers';
import { setupIntegration } from '@/tests/integration';
import { enrolledUser, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import { recoveryMailsSettled, requestAccountRecovery } from './account-recovery';

/**
 * A mail server that holds the recovery mail until the test lets it go. (A fixed delay, with the
 * reply timed against it, failed whenever a loaded machine took longer than the delay to answer.)
 */
const held = vi.hoisted(() => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { gate, release, reached: false };
});
vi.mock('@/lib/email/send', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/email/send')>();
  return {
    ...real,
    sendMail: async (...args: Parameters<typeof real.sendMail>) => {
      if (args[0].subject.startsWith('Account recovery requested')) {
        held.reached = true;
        await held.gate;
      }
      return real.sendMail(...args);
    },
  };
});

const outbox = tempOutbox('recovery-timing');
setupIntegration();
afterEach(() => {
  vi.useRealTimers();
});

it('the reply does not wait for the mail: only eligible addresses get one, so its time would tell', async () => {
  freezeClock();
  const user = await enrolledUser();
  await (await db()).update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id));
  // The mail is held until after the reply: a reply that waited for it would never come (and the
  // test would time out).
  expect(await requestAccountRecovery(user.email, ctx())).toEqual({ ok: true });
  await vi.waitFor(() => expect(held.reached).toBe(true));
  expect((await listOutbox(outbox, 100)).filter((m) => m.to === user.email)).toHaveLength(0);
  held.release();
  await recoveryMailsSettled();
  expect((await listOutbox(outbox, 100)).filter((m) => m.to === user.email)).toHaveLength(1);
});
