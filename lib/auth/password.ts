import 'server-only';
import { hash, verify } from '@node-rs/argon2';
import { ARGON2_PARAMS, DUMMY_ARGON2_HASH } from '@/lib/crypto/argon2';

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

/**
 * Verify a password against a stored hash; with no hash (unknown email), verify against a dummy
 * hash of the same parameters, so both paths cost one argon2id verification and take the same time.
 */
export async function verifyPassword(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!storedHash) {
    await verify(DUMMY_ARGON2_HASH, password);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
