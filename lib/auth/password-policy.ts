import 'server-only';
import { env } from '@/lib/env';
import type { PasswordRefusal } from '@/lib/messages';
import { loadMeter } from '@/lib/password-meter';
import { judgePassword } from '@/lib/password-policy';

/**
 * The server's side of the password policy: the very function the strength meter calls
 * (lib/password-policy.ts), with the app name from the settings. Input is already
 * NFKC-normalised by the schema. Returns the refusal's message key, or null when acceptable.
 */
export async function passwordPolicyError(password: string, email: string): Promise<PasswordRefusal | null> {
  return judgePassword(password, { email, appName: env().APP_NAME }, await loadMeter()).refusal;
}
