import 'server-only';
import { createHmac } from 'node:crypto';
import { env } from '@/lib/env';

/**
 * HMAC-SHA-256 under a key derived from AUTH_SECRET, for names that must not reveal what they
 * name (rate-limit keys that hold an email address). A bare SHA-256 would not do: anyone who can
 * list the keys could hash a list of candidate addresses and match them.
 */
export function keyedHash(purpose: string, value: string): string {
  const key = createHmac('sha256', env().AUTH_SECRET).update(`latchkey:${purpose}`).digest();
  return createHmac('sha256', key).update(value).digest('hex').slice(0, 32);
}
