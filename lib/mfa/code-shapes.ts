/**
 * What each factor's codes look like, and how typed or pasted input becomes one. Pure and
 * client-safe: the zod schemas (lib/validation/mfa.ts) and the factors (./totp-factor.ts,
 * ./backup-code-factor.ts) both ask here, so a form never refuses what a factor would accept.
 */

/** Spaces and dashes people type or paste; word processors and PDFs turn hyphens into U+2010–U+2015 or U+2212. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

export const TOTP_DIGITS = 6;

/** From this many backup codes left, the settings page and the notice mail say to make new ones. */
export const LOW_BACKUP_CODES = 3;

/** Side of the enrollment QR image in pixels: drawn at this size, laid out at this size. */
export const QR_SIZE = 232;

/** "123 456", "123-456", "123‐456" → "123456"; anything but 6 ASCII digits is null. */
export function normalizeTotpCode(input: string): string | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  const code = input.replace(SEPARATORS, '');
  return /^[0-9]{6}$/.test(code) ? code : null;
}

/**
 * Crockford's base32 alphabet: no I, L, O (read as 1, 1, 0) and no U. 32 symbols, so each one
 * carries exactly 5 bits; 10 of them give 50 bits per code.
 */
export const BACKUP_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const BACKUP_CODE_LENGTH = 10;
const NORMALIZED_BACKUP = new RegExp(`^[${BACKUP_CODE_ALPHABET}]{${BACKUP_CODE_LENGTH}}$`);

/**
 * The canonical form of a backup code, the one that is hashed: upper case, no separators,
 * Crockford look-alikes mapped (O→0, I/L→1) so a misread code still works. Anything else is null.
 */
export function normalizeBackupCode(input: string): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const stripped = input.replace(SEPARATORS, '');
  // ASCII first: toUpperCase maps some non-ASCII letters (ı, ſ) onto ASCII ones.
  if (!/^[A-Za-z0-9]+$/.test(stripped)) return null;
  const code = stripped.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return NORMALIZED_BACKUP.test(code) ? code : null;
}
