import { vi } from 'vitest';

/**
 * @node-rs/argon2 with every verification recorded: the hash it was asked to check. The real
 * functions run, so results and timings are the real ones (a count of 1 with a success is a real
 * match, not a stub). A test file swaps the module for this one and reads `verifiedHashes`:
 *
 *   vi.mock('@node-rs/argon2', () => import('@/tests/argon2-calls'));
 *   const { verifiedHashes } = await import('@/tests/argon2-calls');
 *
 * The modules under test must be imported after that (`await import(…)`), like the mock itself.
 */
const actual = await vi.importActual<typeof import('@node-rs/argon2')>('@node-rs/argon2');

export const verifiedHashes: string[] = [];

export const hash = actual.hash;

export function verify(...args: Parameters<typeof actual.verify>): ReturnType<typeof actual.verify> {
  verifiedHashes.push(args[0] as string);
  return actual.verify(...args);
}
