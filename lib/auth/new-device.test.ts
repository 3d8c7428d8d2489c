import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { apiLogin } from '@/lib/api/sign-in';
import { recentEvents } from '@/lib/audit';
import { db } from '@/lib/db/client';
import { knownNetworks } from '@/lib/db/schema';
import { noticesSettled } from '@/lib/email/notices';
import { listOutbox } from '@/lib/email/outbox';
import { ipNetwork } from '@/lib/http/ip-bucket';
import { ctx, uniqueIp, uniqueSlash64 } from '@/tests/helpers';
import { makeUser, setupIntegration } from '@/tests/integration';
import { tempOutbox } from '@/tests/outbox';
import { KNOWN_NETWORK_DAYS, KNOWN_NETWORKS_KEPT, noteSignIn, rememberNetwork } from './new-device';

const outbox = tempOutbox('new-device');
setupIntegration();
afterEach(async () => {
  await noticesSettled();
});

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

async function newSignInMails(email: string) {
  await noticesSettled();
  return (await listOutbox(outbox, 1000)).filter((m) => m.to === email && /New sign-in/.test(m.subject));
}

/** A random IPv4 /24 in 10.0.0.0/8, and an address in it. */
function uniqueV4(): { net: string; at: (host: number) => string } {
  const [a, b] = [Math.floor(Math.random() * 256), Math.floor(Math.random() * 256)];
  return { net: `10.${a}.${b}`, at: (host) => `10.${a}.${b}.${host}` };
}

describe('networks: IPv4 /24, IPv6 /64, kept as a keyed hash', () => {
  it('groups addresses of one line together and tells lines apart', () => {
    expect(ipNetwork('203.0.113.5')).toBe(ipNetwork('203.0.113.250'));
    expect(ipNetwork('203.0.113.5')).not.toBe(ipNetwork('203.0.114.5'));
    expect(ipNetwork('::ffff:203.0.113.9')).toBe(ipNetwork('203.0.113.5'));
    expect(ipNetwork('2001:db8:1:2::1')).toBe(ipNetwork('2001:db8:1:2:ffff::9'));
    expect(ipNetwork('2001:db8:1:2::1')).not.toBe(ipNetwork('2001:db8:1:3::1'));
  });

  it('a network is new once per account; the table holds neither the address nor the network', async () => {
    const user = await makeUser();
    const other = await makeUser();
    const v4 = uniqueV4();
    expect(await rememberNetwork(user.id, v4.at(5))).toBe(true);
    expect(await rememberNetwork(user.id, v4.at(77))).toBe(false);
    expect(await rememberNetwork(other.id, v4.at(5))).toBe(true);
    const rows = await (await db()).select().from(knownNetworks).where(eq(knownNetworks.userId, user.id));
    const text = JSON.stringify(rows);
    expect(text).not.toContain(v4.net);
    // The same network is another value for another account: no cross-account linking.
    const [theirs] = await (await db())
      .select()
      .from(knownNetworks)
      .where(eq(knownNetworks.userId, other.id));
    expect(rows.map((r) => r.network)).not.toContain(theirs?.network);
  });
});

describe('the table stays bounded', () => {
  it('a new network forgets those unused for a year and any beyond the most recent 100', async () => {
    const user = await makeUser();
    const database = await db();
    const now = Date.now();
    const seen = (daysAgo: number) => new Date(now - daysAgo * 86_400_000);
    // A year and a day unused, then 100 networks used from 100 to 1 day ago.
    await database.insert(knownNetworks).values([
      { userId: user.id, network: 'stale', firstSeenAt: seen(400), lastSeenAt: seen(KNOWN_NETWORK_DAYS + 1) },
      ...Array.from({ length: KNOWN_NETWORKS_KEPT }, (_, i) => ({
        userId: user.id,
        network: `n${KNOWN_NETWORKS_KEPT - i}`,
        firstSeenAt: seen(200),
        lastSeenAt: seen(KNOWN_NETWORKS_KEPT - i),
      })),
    ]);
    const held = async () =>
      (await database.select().from(knownNetworks).where(eq(knownNetworks.userId, user.id))).map(
        (r) => r.network,
      );
    const v4 = uniqueV4();
    expect(await rememberNetwork(user.id, v4.at(1))).toBe(true);
    const after = await held();
    expect(after).toHaveLength(KNOWN_NETWORKS_KEPT);
    expect(after).not.toContain('stale');
    expect(after).not.toContain(`n${KNOWN_NETWORKS_KEPT}`);
    expect(after).toContain('n1');
    // Seeing a known network again forgets nothing.
    expect(await rememberNetwork(user.id, v4.at(2))).toBe(false);
    expect(await held()).toHaveLength(KNOWN_NETWORKS_KEPT);
    // Another account's networks are not touched.
    const other = await makeUser();
    await database.insert(knownNetworks).values({ userId: other.id, network: 'old', lastSeenAt: seen(900) });
    expect(await rememberNetwork(user.id, uniqueV4().at(1))).toBe(true);
    expect(
      (await database.select().from(knownNetworks).where(eq(knownNetworks.userId, other.id))).length,
    ).toBe(1);
  });
});

describe('the new-device decision', () => {
  it('unknown browser and unknown network: the owner is mailed, and it is audited', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    expect(await noteSignIn(user.id, ctx(ip, CHROME_WINDOWS), { knownBrowser: false })).toBe(true);
    const [mail] = await newSignInMails(user.email);
    expect(mail?.subject).toMatch(/New sign-in to your .* account/);
    expect(mail?.text).toContain(`From: Chrome on Windows, IP address ${ip}`);
    expect(mail?.text).toMatch(/When: \w{3}, \d{2} \w{3} \d{4}/);
    expect(mail?.text).toContain('/settings/security');
    expect(mail?.text).toMatch(/If this wasn't you, secure your account/);
    expect((await recentEvents(user.id, 5)).map((e) => e.type)).toContain('new_device_sign_in');
  });

  it('a known browser: no mail (and the network is known from then on)', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    expect(await noteSignIn(user.id, ctx(ip), { knownBrowser: true })).toBe(false);
    expect(await noteSignIn(user.id, ctx(ip), { knownBrowser: false })).toBe(false);
    expect(await newSignInMails(user.email)).toEqual([]);
    expect((await recentEvents(user.id, 5)).map((e) => e.type)).not.toContain('new_device_sign_in');
  });

  it('a known network (another address in it): no mail', async () => {
    const user = await makeUser();
    const line = uniqueSlash64();
    expect(await noteSignIn(user.id, ctx(line.address()), { knownBrowser: false })).toBe(true);
    expect(await noteSignIn(user.id, ctx(line.address()), { knownBrowser: false })).toBe(false);
    expect(await newSignInMails(user.email)).toHaveLength(1);
  });
});

describe('programs', () => {
  it('a program (no cookies) is judged by its network alone', async () => {
    const user = await makeUser();
    const ip = uniqueIp();
    // Counted by their events: an unverified address gets one notice of a kind an hour anyway.
    const newDeviceEvents = async () =>
      (await recentEvents(user.id, 20)).filter((e) => e.type === 'new_device_sign_in');
    expect(await apiLogin(user.email, user.password, ctx(ip))).toMatchObject({ ok: true });
    expect(await newSignInMails(user.email)).toHaveLength(1);
    expect(await newDeviceEvents()).toHaveLength(1);
    expect((await newDeviceEvents())[0]?.detail).toEqual({ client: 'api' });
    expect(await apiLogin(user.email, user.password, ctx(ip))).toMatchObject({ ok: true });
    expect(await newDeviceEvents()).toHaveLength(1);
  });
});
