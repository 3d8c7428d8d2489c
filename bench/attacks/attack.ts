// What an attack is for `npm run attack`: a name, and a run against the bench server that says,
// from what came back over HTTP only, whether the app held, with the figures behind the verdict.
import { randomBytes } from 'node:crypto';
import type { Account } from '../accounts';
import type { AddressPool } from '../addresses';

export type Verdict = { held: boolean; figures: string };

export type AttackContext = {
  baseUrl: string;
  /** Client addresses of this attack's own (no other attack or run uses them). */
  addresses: AddressPool;
};

export type Attack = { name: string; run: (ctx: AttackContext) => Promise<Verdict> };

/** A new password the app accepts (random, long), different from any the account had. */
export function strongPassword(): string {
  return `${randomBytes(18).toString('base64url')}-Lk7`;
}

/** The same account with another password: for sign-ins that must fail as a wrong password. */
export function withWrongPassword(account: Account): Account {
  return { email: account.email, password: strongPassword() };
}

/** `items` tallied by `key`, as `a ×3, b ×1` in first-seen order. */
export function tally<T>(items: T[], key: (item: T) => string = String): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
}

/** Run `fn` over `items` with at most `width` at a time; results in the items' order. */
export async function inParallel<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

/** "Try again in N minutes" of a refusal, in minutes; null when the text says no such thing. */
export function retryMinutes(text: string): number | null {
  const match = /Try again in (\d+) minutes?/.exec(text);
  return match ? Number(match[1]) : null;
}
