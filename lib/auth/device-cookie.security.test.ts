import { describe, expect, it, vi } from 'vitest';
import { uniqueEmail } from '@/tests/helpers';
import { beginRequest, changedCookies } from '@/tests/request-scope';
import { knownDevice, rememberDevice } from './device-cookie';

vi.mock('next/headers', () => import('@/tests/request-scope'));

/** A right password in one request; the cookie it set, as the browser keeps it. */
async function signedInOnce(email: string) {
  beginRequest();
  await rememberDevice(email);
  const [cookie] = changedCookies();
  if (!cookie) throw new Error('no device cookie set');
  return cookie;
}

describe('device cookies (a budget of its own for a browser that signed in before)', () => {
  it('a browser that signed in is known to that account afterwards, with a long-lived HttpOnly cookie', async () => {
    const email = uniqueEmail();
    const cookie = await signedInOnce(email);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 24 * 60 * 60 });
    expect(cookie.name).not.toContain(email.split('@')[0]);
    beginRequest({ [cookie.name]: cookie.value });
    expect(await knownDevice(email)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('cannot be made up, altered, or carried over to another account', async () => {
    const email = uniqueEmail();
    const other = uniqueEmail();
    const cookie = await signedInOnce(email);
    const [nonce, tag] = cookie.value.split('.');
    for (const forged of [
      `${nonce}.${'0'.repeat(tag?.length ?? 32)}`,
      `${'A'.repeat(22)}.${tag}`,
      nonce ?? '',
      '',
    ]) {
      beginRequest({ [cookie.name]: forged });
      expect(await knownDevice(email), forged).toBeNull();
    }
    // The other account's cookie name, with this account's value: not known there.
    const otherCookie = await signedInOnce(other);
    beginRequest({ [otherCookie.name]: cookie.value });
    expect(await knownDevice(other)).toBeNull();
  });

  it('signing in again from a known browser keeps its id (its budget is not reset by signing in)', async () => {
    const email = uniqueEmail();
    const cookie = await signedInOnce(email);
    beginRequest({ [cookie.name]: cookie.value });
    await rememberDevice(email);
    expect(changedCookies()).toEqual([]);
  });
});
