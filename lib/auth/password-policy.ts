import 'server-only';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { MessageKey } from '@/lib/messages';

/** The 10,000 most common passwords: the head of zxcvbn-ts's frequency-ranked list. */
const COMMON = new Set((dictionary['passwords-common'] as string[]).slice(0, 10_000));

/**
 * NIST SP 800-63B §5.1.1.2: no composition rules; refuse known-common passwords and ones built
 * from context (here the email's local part). Input is already NFKC-normalised.
 * Returns the refusal's message key, or null when the password is acceptable.
 */
export function passwordPolicyError(password: string, email: string): MessageKey | null {
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'passwordCommon';
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  // Very short local parts ("a@x.io") would refuse too much; 3 characters is where it means something.
  if (local.length >= 3 && lower.includes(local)) return 'passwordHasEmail';
  return null;
}
