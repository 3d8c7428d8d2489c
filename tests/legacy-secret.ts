import { createCipheriv, randomBytes } from 'node:crypto';
import { type Keyring, parseKeyring } from '@/lib/mfa/crypto';

/**
 * A TOTP secret as version 1 stored it (AES-256-GCM, authenticated data `v1.<keyId>`, no user
 * id), written out here byte for byte so the migration tests do not depend on the code they test.
 */
export function encryptV1(
  plaintext: string,
  keyring: Keyring = parseKeyring(process.env.MFA_ENCRYPTION_KEY),
): string {
  const { id, key } = keyring[0];
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`v1.${id}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', id, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}
