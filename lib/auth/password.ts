import 'server-only';
import { hash, verify } from '@node-rs/argon2';
import { ARGON2_PARAMS } from '@/lib/crypto/argon2';

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

/**
 * A fixed hash with the same parameters, for unknown emails. A constant rather than computed on
 * first use, or the first unknown email per process would cost a hash plus a verify.
 */
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$FkL2XOdQPt1nnqM0oM/Blg$Y+xvOZE2XezqaHNxjixA27ItmFuH1KXrlUR2XN6tuvc';

/**
 * Verify a password against a stored hash; with no hash (unknown email), verify against a dummy
 * hash of the same parameters, so both paths cost one argon2id verification and take the same time.
 */
export async function verifyPassword(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!storedHash) {
    await verify(DUMMY_HASH, password);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
