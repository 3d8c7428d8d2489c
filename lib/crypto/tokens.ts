import 'server-only';
import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the OS CSPRNG, URL-safe. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are high-entropy, so a plain SHA-256 is enough to store them (no salt or slow hash
 * needed): a database or Redis dump then holds nothing that can be replayed.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
