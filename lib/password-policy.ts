import type { PasswordRefusal } from './messages';
import { PASSWORD_MAX, PASSWORD_MIN } from './password-limits';
import type { Meter, Score } from './password-meter';
import { codePointLength, normalizePassword } from './validation/fields';

/**
 * The password policy, in one pure function that the strength meter (in the browser) and the
 * server (register, reset, change) both call, so they never disagree. NIST SP 800-63B §3.1.1.2:
 * no composition rules; refuse what is known to be guessed first: common passwords, repetitive
 * or sequential strings, context words (the email, the app's name). Client-safe: no Node APIs,
 * no settings; the caller passes the app name (the server reads APP_NAME, pages pass it down).
 */

export type PasswordContext = { email: string; appName: string };
export type PasswordVerdict = { refusal: PasswordRefusal | null; score: Score };

/**
 * zxcvbn's score 3 means an estimated 10^8 guesses or more, which its authors call "safely
 * unguessable: moderate protection from an offline slow-hash scenario". Online, the sign-in limits
 * stop far sooner; the threshold is for a leaked database: 10^8 argon2id verifications at our
 * parameters (tens of milliseconds each) are months of one core per account, where score 2's
 * 10^6 are hours.
 */
const MIN_SCORE = 3;

/** Shorter context words ("a@x.io") would refuse too much; 3 characters is where it means something. */
const MIN_CONTEXT_WORD = 3;

/** zxcvbn's warnings (as keys: no translations are loaded), in our words. */
const WARNING_REFUSALS: Partial<Record<string, PasswordRefusal>> = {
  simpleRepeat: 'passwordRepetitive',
  extendedRepeat: 'passwordRepetitive',
  sequences: 'passwordSequential',
  straightRow: 'passwordSequential',
  keyPattern: 'passwordSequential',
  topTen: 'passwordCommon',
  topHundred: 'passwordCommon',
  common: 'passwordCommon',
  similarToCommon: 'passwordCommon',
};

export function judgePassword(raw: string, context: PasswordContext, meter: Meter): PasswordVerdict {
  const password = normalizePassword(raw);
  const length = codePointLength(password);
  if (length < PASSWORD_MIN) return { refusal: 'passwordTooShort', score: 0 };
  if (length > PASSWORD_MAX) return { refusal: 'passwordTooLong', score: 0 };

  const lower = password.toLowerCase();
  const email = context.email.normalize('NFKC').trim().toLowerCase();
  const local = email.split('@')[0] ?? '';
  const emailWords = contextWords([local, local.split('+')[0] ?? '']);
  const appWords = contextWords([context.appName.normalize('NFKC').trim().toLowerCase()]);
  // User inputs make zxcvbn score these words (and their l33t or reversed forms) as known.
  const pieces = local.split(/[^\p{L}\p{N}]+/u).filter((p) => p.length >= MIN_CONTEXT_WORD);
  const estimate = meter.estimate(password, [email, ...emailWords, ...pieces, ...appWords]);
  const refuse = (refusal: PasswordRefusal): PasswordVerdict => ({
    refusal,
    // A refused password never shows as strong beside its refusal.
    score: Math.min(estimate.score, 1) as Score,
  });

  if (emailWords.some((w) => lower.includes(w))) return refuse('passwordHasEmail');
  if (appWords.some((w) => lower.includes(w))) return refuse('passwordHasAppName');
  if (isRepetition(lower)) return refuse('passwordRepetitive');
  if (isRun(lower)) return refuse('passwordSequential');
  if (meter.common.has(lower)) return refuse('passwordCommon');
  if (estimate.score < MIN_SCORE) {
    if (estimate.warning === 'userInputs') {
      const app = estimate.inputsMatched.some((w) => appWords.includes(w));
      return refuse(app ? 'passwordHasAppName' : 'passwordHasEmail');
    }
    return refuse(WARNING_REFUSALS[estimate.warning ?? ''] ?? 'passwordWeak');
  }
  return { refusal: null, score: estimate.score };
}

/** A word and its letters-and-digits form ("alice.smith" and "alicesmith"), each long enough. */
function contextWords(words: string[]): string[] {
  const all = words.flatMap((w) => [w, w.replace(/[^\p{L}\p{N}]/gu, '')]);
  return [...new Set(all)].filter((w) => codePointLength(w) >= MIN_CONTEXT_WORD);
}

/** One unit repeated: "aaaaaaaaaaaa", "abcabcabcabc", "passwordpassword". */
function isRepetition(s: string): boolean {
  const chars = Array.from(s);
  for (let size = 1; size <= chars.length / 2; size++) {
    if (chars.length % size === 0 && chars.every((c, i) => c === chars[i % size])) return true;
  }
  return false;
}

/** Each character one after the previous, up or down: "abcdef…", "zyxw…", digits wrapping ("…8901…"). */
function isRun(s: string): boolean {
  const points = Array.from(s, (c) => c.codePointAt(0) ?? 0);
  let direction = 0;
  for (let i = 1; i < points.length; i++) {
    const step = stepBetween(points[i - 1] ?? 0, points[i] ?? 0);
    if (step === 0 || (direction !== 0 && step !== direction)) return false;
    direction = step;
  }
  return direction !== 0;
}

const ZERO = 0x30;
const isDigit = (p: number) => p >= ZERO && p <= ZERO + 9;

function stepBetween(a: number, b: number): -1 | 0 | 1 {
  // On a keyboard 0 follows 9, so "123456789012" is one run.
  if (isDigit(a) && isDigit(b)) {
    const up = (b - a + 10) % 10;
    return up === 1 ? 1 : up === 9 ? -1 : 0;
  }
  return b - a === 1 ? 1 : b - a === -1 ? -1 : 0;
}
