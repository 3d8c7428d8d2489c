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

// A slow mail server: every mail takes 1.5 s to hand over.
const SLOW_MAIL_MS = 1_500;
vi.mock('@/lib/email/send', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/email/send')>();
  return {
    ...real,
    sendMail: async (...args: Parameters<typeof real.sendMail>) => {
      await new Promise((resolve) => setTimeout(resolve, SLOW_MAIL_MS));
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
  const started = performance.now();
  expect(await requestAccountRecovery(user.email, ctx())).toEqual({ ok: true });
  expect(performance.now() - started).toBeLessThan(SLOW_MAIL_MS);
  await recoveryMailsSettled();
  expect((await listOutbox(outbox, 100)).filter((m) => m.to === user.email)).toHaveLength(1);
});
