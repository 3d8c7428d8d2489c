import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordEvent } from '@/lib/audit';
import { issueEmailToken } from '@/lib/auth/email-tokens';
import { createSession, revokeSession } from '@/lib/auth/sessions';
import { hashToken } from '@/lib/crypto/tokens';
import { db } from '@/lib/db/client';
import { accountRecoveries, emailTokens, knownNetworks, sessions, trustedDevices } from '@/lib/db/schema';
import { ctx, uniqueIp } from '@/tests/helpers';
import { auditRowsFromIp, makeUser, setupIntegration, userRow } from '@/tests/integration';
import { backupCodeRows, enrolledUser, factorRow, freezeClock } from '@/tests/mfa';
import { buildAccountExport, exportAccountData, exportFilename } from './export';

setupIntegration();

beforeEach(() => {
  freezeClock();
});

afterEach(() => {
  vi.useRealTimers();
});

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  }
  return [];
}

/** A user with two-factor on, three sessions (live, revoked, expired) and a pending email link. */
async function busyUser() {
  const user = await enrolledUser();
  // A second between sessions, so "oldest first" has one answer (the clock is frozen).
  const tick = () => vi.setSystemTime(Date.now() + 1000);
  const live = await createSession(user.id, true, ctx('203.0.113.7', 'Firefox on Linux'), true);
  tick();
  const revoked = await createSession(user.id, false, ctx('198.51.100.2', 'Safari on iPhone'));
  await revokeSession(revoked.id);
  tick();
  const expired = await createSession(user.id, false, ctx('192.0.2.9', 'Chrome on Windows'));
  await (await db())
    .update(sessions)
    .set({ expiresAt: new Date(Date.now() - 60_000) })
    .where(eq(sessions.id, expired.id));
  const linkToken = await issueEmailToken({ userId: user.id, purpose: 'verify_email' });
  await recordEvent('password_changed', ctx('203.0.113.7', 'Firefox on Linux'), {
    userId: user.id,
    detail: { signedOut: 2 },
  });
  // A trusted browser, a recovery that was cancelled, a known network: rows of issue 15's and
  // recovery's tables, each holding a hash that must stay out of the file.
  const database = await db();
  const deviceToken = `trusted-device-${randomUUID()}`;
  const day = 24 * 60 * 60 * 1000;
  await database.insert(trustedDevices).values({
    id: hashToken(deviceToken),
    userId: user.id,
    userAgent: 'Firefox on Linux',
    ipAddress: '203.0.113.7',
    expiresAt: new Date(Date.now() + 30 * day),
  });
  const recoveryTokens = [`recovery-complete-${randomUUID()}`, `recovery-cancel-${randomUUID()}`];
  await database.insert(accountRecoveries).values({
    userId: user.id,
    completeTokenHash: hashToken(recoveryTokens[0] ?? ''),
    cancelTokenHash: hashToken(recoveryTokens[1] ?? ''),
    usableAt: new Date(Date.now() + 3 * day),
    expiresAt: new Date(Date.now() + 10 * day),
    endedAt: new Date(),
    endReason: 'cancelled',
  });
  const network = `keyed-network-${randomUUID()}`;
  await database.insert(knownNetworks).values({ userId: user.id, network });
  return { user, live, revoked, expired, linkToken, deviceToken, recoveryTokens, network };
}

describe('download my data: the export', () => {
  it('has the account, two-factor status, every session and all security activity', async () => {
    const { user, live } = await busyUser();
    const data = await buildAccountExport(user.id, live.id);
    expect(data).not.toBeNull();
    if (!data) return;

    expect(Object.keys(data).sort()).toEqual([
      'account',
      'accountRecoveries',
      'exportedAt',
      'knownNetworks',
      'securityActivity',
      'sessions',
      'trustedDevices',
      'twoFactor',
    ]);
    expect(data.exportedAt).toBe(new Date().toISOString());
    expect(data.account).toEqual({
      email: user.email,
      emailVerifiedAt: null,
      createdAt: user.createdAt.toISOString(),
      updatedAt: expect.any(String),
      role: 'user',
      lockedAt: null,
    });
    const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
    expect(data.trustedDevices).toEqual([
      {
        userAgent: 'Firefox on Linux',
        ipAddress: '203.0.113.7',
        createdAt: at,
        lastUsedAt: at,
        expiresAt: at,
      },
    ]);
    expect(data.accountRecoveries).toEqual([
      { createdAt: at, usableAt: at, expiresAt: at, endedAt: at, endReason: 'cancelled' },
    ]);
    expect(data.knownNetworks).toEqual([{ firstSeenAt: at, lastSeenAt: at }]);
    const factor = await factorRow(user.id);
    expect(data.twoFactor).toEqual({
      enabled: true,
      enabledAt: factor?.enabledAt?.toISOString(),
      backupCodesLeft: 10,
    });

    // All of them, revoked and expired too, oldest first; only the asking one is "current".
    expect(
      data.sessions.map((s) => [s.ipAddress, s.userAgent, s.remember, s.mfaVerified, s.current]),
    ).toEqual([
      ['203.0.113.7', 'Firefox on Linux', true, true, true],
      ['198.51.100.2', 'Safari on iPhone', false, false, false],
      ['192.0.2.9', 'Chrome on Windows', false, false, false],
    ]);
    expect(data.sessions[0]?.revokedAt).toBeNull();
    expect(data.sessions[1]?.revokedAt).toEqual(expect.any(String));
    expect(Date.parse(data.sessions[2]?.expiresAt ?? '')).toBeLessThan(Date.now());
    for (const s of data.sessions) {
      expect(Object.keys(s).sort()).toEqual(
        [
          'createdAt',
          'current',
          'expiresAt',
          'ipAddress',
          'lastSeenAt',
          'mfaVerified',
          'remember',
          'revokedAt',
          'userAgent',
        ].sort(),
      );
    }

    expect(data.securityActivity.map((e) => e.type)).toEqual(['registered', 'password_changed']);
    expect(data.securityActivity[1]).toEqual({
      type: 'password_changed',
      ipAddress: '203.0.113.7',
      userAgent: 'Firefox on Linux',
      detail: { signedOut: 2 },
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('holds none of the account’s secrets, anywhere in the file', async () => {
    const { user, live, revoked, expired, linkToken, deviceToken, recoveryTokens, network } =
      await busyUser();
    const row = await userRow(user.email);
    const factor = await factorRow(user.id);
    const codeHashes = (await backupCodeRows(user.id)).map((r) => r.codeHash);
    const tokenHashes = (
      await (await db()).select().from(emailTokens).where(eq(emailTokens.userId, user.id))
    ).map((r) => r.tokenHash);
    const secrets = [
      row?.passwordHash,
      user.password,
      user.secret,
      factor?.secretEncrypted,
      ...codeHashes,
      ...user.backupCodes,
      ...user.backupCodes.map((c) => c.replace('-', '')),
      live.id,
      live.token,
      revoked.id,
      expired.id,
      linkToken,
      ...tokenHashes,
      user.id,
      deviceToken,
      hashToken(deviceToken),
      ...recoveryTokens,
      ...recoveryTokens.map(hashToken),
      network,
    ];
    // The search must be searching: every secret is a real, non-trivial value.
    expect(codeHashes).toHaveLength(10);
    expect(tokenHashes).toHaveLength(1);
    for (const secret of secrets) expect(secret?.length ?? 0).toBeGreaterThanOrEqual(10);

    const json = JSON.stringify(await buildAccountExport(user.id, live.id));
    expect(json).toContain(user.email); // the file is the right one
    for (const secret of secrets) expect(json.toUpperCase()).not.toContain(String(secret).toUpperCase());
    // Nor a field that would hold one, under any name.
    expect(keysOf(JSON.parse(json)).filter((k) => /hash|secret|token|cipher|^id$|userId/i.test(k))).toEqual(
      [],
    );
  });

  it('holds nothing of another account', async () => {
    const mine = await makeUser();
    const other = await makeUser();
    await createSession(other.id, false, ctx('192.0.2.200', 'Other browser'));
    await recordEvent('password_changed', ctx('192.0.2.200'), { userId: other.id });
    const json = JSON.stringify(await buildAccountExport(mine.id, null));
    expect(json).toContain(mine.email);
    expect(json).not.toContain(other.email);
    expect(json).not.toContain('192.0.2.200');
    expect(json).not.toContain('Other browser');
  });

  it('is recorded as data_exported, and named for the day', async () => {
    const user = await makeUser();
    const session = await createSession(user.id, false, ctx());
    const ip = uniqueIp();
    const result = await exportAccountData({ userId: user.id, id: session.id }, ctx(ip));
    expect(result?.filename).toBe(`latchkey-data-${new Date().toISOString().slice(0, 10)}.json`);
    expect(result?.data.account.email).toBe(user.email);
    expect((await auditRowsFromIp(ip)).map((r) => [r.type, r.userId])).toEqual([['data_exported', user.id]]);
  });

  it('a deleted account exports nothing and records nothing', async () => {
    const ip = uniqueIp();
    const result = await exportAccountData(
      { userId: '00000000-0000-4000-8000-000000000000', id: 'x'.repeat(64) },
      ctx(ip),
    );
    expect(result).toBeNull();
    expect(await auditRowsFromIp(ip)).toEqual([]);
  });

  it('the file name is the UTC date of the export', () => {
    expect(exportFilename('2024-02-29T23:59:59.999Z')).toBe('latchkey-data-2024-02-29.json');
  });
});
