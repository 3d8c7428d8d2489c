import 'server-only';
import { cookies } from 'next/headers';
import { isHttps } from '@/lib/env';
import { CHALLENGE_TTL_MS } from '@/lib/mfa/challenge';

/** The sign-in challenge's token: HttpOnly, as short-lived as the challenge itself. */
function name(): string {
  return isHttps() ? '__Host-latchkey.mfa' : 'latchkey.mfa';
}

export async function setChallengeCookie(token: string): Promise<void> {
  (await cookies()).set(name(), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(),
    path: '/',
    maxAge: CHALLENGE_TTL_MS / 1000,
  });
}

export async function readChallengeCookie(): Promise<string | undefined> {
  return (await cookies()).get(name())?.value;
}

export async function clearChallengeCookie(): Promise<void> {
  (await cookies()).delete({ name: name(), path: '/', secure: isHttps() });
}
