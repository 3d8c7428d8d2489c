import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { listOutbox } from '@/lib/email/outbox';
import { ctx, uniqueEmail, uniqueIp } from '@/tests/helpers';
import { setupIntegration } from '@/tests/integration';
import { enrolledUser, freezeClock } from '@/tests/mfa';
import { tempOutbox } from '@/tests/outbox';
import {
  completeAccountRecovery,
  recoveryDelayMs,
  recoveryMailsSettled,
  requestAccountRecovery,
} from './account-recovery';
import { confirmEmailChange } from './change-email';
import { issueEmailToken } from './email-tokens';
import { undoChange } from './undo';

// Lock-order races between flows that change an account and its links: each deadlocked on
// PostgreSQL before its fix (seen). On PGlite one connection runs one transaction after the other,
// so there they only show that both flows still end well. The pauses give the other flow time to
// reach its lock; a machine too slow for that makes the test pass without showing the race.
// The real undo, with a moment after it ended the account's recoveries (their rows held) where a
// test lets another flow run.
const hooks = vi.hoisted(() => ({
  afterRecoveriesEnded: null as null | (() => Promise<void>),
  afterChangeLinkSpent: null as null | (() => Promise<void>),
}));
vi.mock('@/lib/auth/email-tokens', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/auth/email-tokens')>();
  return {
    ...real,
    redeemEmailToken: async (...args: Parameters<typeof real.redeemEmailToken>) => {
      const redeemed = await real.redeemEmailToken(...args);
      if (args[1] === 'change_email') await hooks.afterChangeLinkSpent?.();
      return redeemed;
    },
  };
});
vi.mock('@/lib/auth/account-recovery', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/auth/account-recovery')>();
  return {
    ...real,
    endRecoveriesForOldAddress: async (...args: Parameters<typeof real.endRecoveriesForOldAddress>) => {
      await real.endRecoveriesForOldAddress(...args);
      await hooks.afterRecoveriesEnded?.();
    },
  };
});

const outbox = tempOutbox('undo-race');
setupIntegration();
beforeEach(() => {
  freezeClock();
});
afterEach(() => {
  hooks.afterRecoveriesEnded = null;
  hooks.afterChangeLinkSpent = null;
  vi.useRealTimers();
});

describe('the address-change undo against a recovery completing at the same moment', () => {
  it('neither fails with a server error: the undo wins and the recovery link is spent by nothing', async () => {
    // An intruder moved the address to theirs, asked for a recovery there and waited it out; the
    // owner clicks the old address's "This wasn't me" just as the intruder completes it.
    const owner = await enrolledUser();
    const intruderEmail = uniqueEmail('intruder');
    const change = await issueEmailToken({
      userId: owner.id,
      purpose: 'change_email',
      newEmail: intruderEmail,
    });
    expect(await confirmEmailChange(change, ctx())).toMatchObject({ ok: true, email: intruderEmail });
    expect(await requestAccountRecovery(intruderEmail, ctx(uniqueIp()))).toEqual({ ok: true });
    await recoveryMailsSettled();
    const mail = (await listOutbox(outbox, 1000)).find(
      (m) => m.to === intruderEmail && m.subject.startsWith('Account recovery requested'),
    );
    const complete = mail?.text.match(/\/account-recovery\/complete\/([A-Za-z0-9_-]{43})$/m)?.[1];
    expect(complete).toBeDefined();
    vi.setSystemTime(Date.now() + recoveryDelayMs() + 1_000);
    // The owner's link (a day long) from a notice of the change; the recovery is ready.
    const undo = await issueEmailToken({
      userId: owner.id,
      purpose: 'undo_email_change',
      newEmail: owner.email,
    });

    // The undo stops with the recovery's row held; the completion starts and reaches the
    // account's row (after its password check); then the undo goes on to the address.
    let completing: Promise<unknown> | undefined;
    hooks.afterRecoveriesEnded = async () => {
      hooks.afterRecoveriesEnded = null;
      completing = completeAccountRecovery(complete, owner.password, ctx(uniqueIp())).catch((e) => e);
      await new Promise((r) => setTimeout(r, 800));
    };
    const undone = await undoChange(undo, ctx()).catch((e) => e);
    const completed = await completing;
    expect(undone).toMatchObject({ ok: true, kind: 'email_change' });
    expect(completed).not.toBeInstanceOf(Error);
    expect(completed).toEqual({ ok: false, kind: 'recoveryLinkInvalid' });
    const [row] = await (await db()).select({ email: users.email }).from(users).where(eq(users.id, owner.id));
    expect(row?.email).toBe(owner.email);
  });

  it('an address change confirmed as the old address undoes it: neither fails; the undo, second, puts the old address back', async () => {
    // The intruder asked to move the address; the old address got "This wasn't me". The intruder
    // confirms the change just as the owner clicks it.
    const owner = await enrolledUser();
    const intruderEmail = uniqueEmail('intruder');
    const change = await issueEmailToken({
      userId: owner.id,
      purpose: 'change_email',
      newEmail: intruderEmail,
    });
    const undo = await issueEmailToken({
      userId: owner.id,
      purpose: 'undo_email_change',
      newEmail: owner.email,
    });
    // The confirmation stops right after it spent its link; the undo starts and runs as far as
    // it can; then the confirmation goes on.
    let undoing: Promise<unknown> | undefined;
    hooks.afterChangeLinkSpent = async () => {
      hooks.afterChangeLinkSpent = null;
      undoing = undoChange(undo, ctx()).catch((e) => e);
      await new Promise((r) => setTimeout(r, 800));
    };
    const confirmed = await confirmEmailChange(change, ctx()).catch((e) => e);
    const undone = await undoing;
    expect(confirmed).toMatchObject({ ok: true, email: intruderEmail });
    expect(undone).toMatchObject({ ok: true, kind: 'email_change' });
    const [row] = await (await db()).select({ email: users.email }).from(users).where(eq(users.id, owner.id));
    expect(row?.email).toBe(owner.email);
  });
});
