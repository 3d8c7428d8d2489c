import { describe, expect, it } from 'vitest';
import { messages } from '@/lib/messages';
import { normalizeBackupCode, normalizeTotpCode } from '@/lib/mfa/code-shapes';
import { stepUpSchema, verifyBackupSchema, verifyTotpSchema } from './mfa';

/** A backup code as a PDF or word processor gives it back: Unicode dashes, odd spaces. */
const PASTED = [
  'ABCDE\u201012345', // hyphen
  'ABCDE\u201112345', // non-breaking hyphen
  'ABCDE\u201312345', // en dash
  'ABCDE\u201412345', // em dash
  'ABCDE\u221212345', // minus sign
  ' abcde \u2010 12345\u00a0', // spaces around, lower case, a no-break space
];

describe('code fields ask the factor for its shape', () => {
  it.each(PASTED)(
    'a backup code pasted as %j passes the form and normalises to the stored form',
    (pasted) => {
      expect(verifyBackupSchema.safeParse({ backupCode: pasted }).success).toBe(true);
      expect(stepUpSchema.safeParse({ password: 'x', code: pasted }).success).toBe(true);
      expect(normalizeBackupCode(pasted)).toBe('ABCDE12345');
    },
  );

  it('an authenticator code with a Unicode dash or spaces passes; anything else gets the format message', () => {
    expect(verifyTotpSchema.safeParse({ code: '123\u2010456' }).success).toBe(true);
    expect(normalizeTotpCode(' 123 456 ')).toBe('123456');
    const bad = verifyTotpSchema.safeParse({ code: '12345a' });
    expect(bad.success ? null : bad.error.issues[0]?.message).toBe(messages.totpFormat);
  });

  it('the form refuses exactly what the factor refuses', () => {
    for (const input of ['ABCDE-1234', 'ABCDE-123456', 'ABCDU-12345', 'ABCDE_12345', 'ΑBCDE-12345']) {
      expect(normalizeBackupCode(input), input).toBeNull();
      expect(verifyBackupSchema.safeParse({ backupCode: input }).success, input).toBe(false);
    }
  });
});
