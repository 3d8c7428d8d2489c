import { PASSWORD_MAX, PASSWORD_MIN } from './password-limits';

/**
 * Every text a user sees for an expected failure, in one place: actions return these, forms
 * show them, tests look for them. Credential failures share one message on purpose.
 */
export const messages = {
  invalidCredentials: 'Invalid email or password',
  emailRequired: 'Enter your email address',
  emailInvalid: 'Enter a valid email address, like name@example.com',
  emailTaken: 'An account with this email already exists. Sign in instead, or use another email.',
  passwordRequired: 'Enter your password',
  passwordTooShort: `Use at least ${PASSWORD_MIN} characters`,
  passwordTooLong: `Use at most ${PASSWORD_MAX} characters`,
  passwordMalformed: 'Your password contains characters that cannot be used',
  passwordCommon: 'This password is too common. Choose one that is harder to guess.',
  passwordHasEmail: 'Your password must not contain your email address',
  passwordHasAppName: 'Your password must not contain the name of this app',
  passwordRepetitive: 'This password repeats a character or a pattern. Choose one that is harder to guess.',
  passwordSequential:
    'This password is a sequence, like 12345, abcde or qwerty. Choose one that is harder to guess.',
  passwordWeak: 'This password is easy to guess. Add a few uncommon words; a passphrase works well.',
  confirmRequired: 'Confirm your password',
  passwordsDiffer: 'The passwords do not match',
  totpRequired: 'Enter the 6-digit code from your authenticator app',
  totpFormat: 'The code is 6 digits, like 123456',
  backupRequired: 'Enter one of your backup codes',
  backupFormat: 'A backup code has 10 letters and digits, like ABCDE-12345',
  anyCodeFormat: 'Enter a 6-digit authenticator code or a backup code',
  // A code that was right a moment ago is refused when it was already used: say how to go on.
  invalidCode:
    'Invalid code. Each code works only once: if you just used this one, wait for the next code in your app, or use another backup code.',
  stepUpFailed: 'The password or the code is not correct',
  challengeExpired: 'Your sign-in took too long. Please enter your email and password again.',
  challengeExhausted: 'Too many wrong codes. Please enter your email and password again.',
  mfaAlreadyOn: 'Two-factor authentication is already on.',
  enrollmentMissing: 'Start the set-up again: this set-up has expired or was replaced.',
  passwordUnchanged: 'Choose a password different from your current one',
  currentPasswordWrong: 'Your current password is not correct',
  passwordChanged: 'Your password was changed. Every other session was signed out.',
  linkInvalid: 'This link is invalid, already used, or expired. Sign in and ask for a new one.',
  resetLinkInvalid: 'This reset link is invalid, already used, or expired. Ask for a new one.',
  resetRequested:
    'If an account uses this address, we have sent it a link to reset the password. The link works once, for 1 hour.',
  passwordReset: 'Your password was reset and every session was signed out. Sign in with your new password.',
  codeRequired: 'Enter a code from your authenticator app, or one of your backup codes',
  emailUnchanged: 'This is already your email address',
  emailChangeSent:
    'Check the inbox of the new address: your email changes when you open the link we sent (within 1 hour).',
  emailChanged: 'Your email address was changed.',
  emailInUse: 'This address is now used by another account. Your email address was not changed.',
  accountDeleted: 'Your account and everything in it were deleted.',
  mailFailed: 'We could not send the email just now. Please try again in a few minutes.',
  serverError: 'Something went wrong on our side. Nothing was changed; please try again.',
  accountCreatedSignIn:
    'Your account was created, but we could not sign you in just now. Sign in to continue.',
  serviceUnavailable: 'Latchkey is temporarily unavailable. Nothing was changed; try again in a moment.',
  // The database went away after a write may have gone through: no promise either way.
  serviceUnavailableAfterWrite:
    'Latchkey is temporarily unavailable and could not finish. Part of the change may have been saved: check in a moment before trying again.',
  signedOutHereOnly:
    'You are signed out on this browser. Latchkey was briefly unavailable, so the session could not be ended on our side yet; if you share this device, that is enough. To end it everywhere, sign in later and choose Sign out all other sessions.',
  badRequest: 'This request could not be read. Reload the page and try again.',
  sessionEnded: 'Your session has ended. Please sign in again.',
  sessionAlreadyEnded: 'That session had already ended.',
  trustedDeviceAlreadyRemoved: 'That device was no longer trusted.',
  recoveryRequested:
    'If this address belongs to an account with two-factor authentication, we have sent it a recovery link. Recovery completes only after a waiting period: the email says when, and how to cancel it.',
  recoveryLinkInvalid:
    'This recovery link is invalid, already used, cancelled, or expired. Ask for a new one if you still need it.',
  recoveryNotYet: 'This recovery cannot be completed yet: the waiting period has not passed.',
  recoveryCancelled: 'Account recovery was cancelled. Nothing about your account was changed.',
  // The two-factor policy by role (MFA_REQUIRED_ROLES, lib/auth/mfa-policy.ts).
  mfaEnrollmentRequired:
    'Your role requires two-factor authentication, and the time to set it up has passed. Set it up on the security page: until then, only the set-up and signing out are available.',
  mfaRequiredByRole: 'Your role requires two-factor authentication, so it cannot be turned off.',
  recoveryNeedsAdmin:
    'Your role requires two-factor authentication, so this account cannot be recovered with this link: ask an administrator to reset two-factor authentication for you.',
  // Said only after the right password (or the right code at the second step): a wrong password
  // still gets invalidCredentials, so the lock tells a guesser nothing.
  accountLocked: 'This account is locked. Contact your administrator.',
  // Administrators (lib/admin/). A non-admin is told nothing more than a 404 page would.
  notFound: 'That page does not exist.',
  adminNeedsTwoFactor:
    'Administrator actions ask for your password and a code from your authenticator: turn on two-factor authentication in your security settings first.',
  adminSelf:
    'You cannot do this to your own account from the admin console. Use your own security settings instead.',
  adminNoSuchUser: 'That account no longer exists.',
  adminAlreadyLocked: 'This account is already locked.',
  adminNotLocked: 'This account is not locked.',
  adminMfaAlreadyOff: 'Two-factor authentication is already off for this account: there is nothing to reset.',
  undoLinkInvalid:
    'This link is invalid, already used, or expired. If someone else changed your account, reset your password now.',
} as const;

export type MessageKey = keyof typeof messages;

/**
 * The strength meter's few words for each refusal of the password policy (lib/password-policy.ts);
 * the form and the server give the full sentence above.
 */
export const passwordReasons = {
  passwordTooShort: 'too short',
  passwordTooLong: 'too long',
  passwordHasEmail: 'contains your email',
  passwordHasAppName: 'contains the app name',
  passwordRepetitive: 'repeats a character',
  passwordSequential: 'a sequence',
  passwordCommon: 'too common',
  passwordWeak: 'easy to guess',
} as const satisfies Partial<Record<MessageKey, string>>;

/** Every reason the password policy can refuse a password for. */
export type PasswordRefusal = keyof typeof passwordReasons;

export function invalidCodeWithAttempts(attemptsLeft: number): string {
  return `${messages.invalidCode} ${attemptsLeft} attempt${attemptsLeft === 1 ? '' : 's'} left before you must sign in again.`;
}

/** "Too many attempts", with when to try again, in whole minutes rounded up. */
export function tooManyAttempts(retryAtMs: number, nowMs = Date.now()): string {
  const minutes = Math.max(1, Math.ceil((retryAtMs - nowMs) / 60_000));
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** What an administrator's action did, in words (said where focus lands after it, /admin/users/[id]). */
export function adminActionDone(
  kind: 'sign_out_everywhere' | 'reset_two_factor' | 'lock' | 'unlock',
  email: string,
  signedOut: number,
  mailed = false,
): string {
  const sessions = `${signedOut} session${signedOut === 1 ? '' : 's'} (web and API) ended`;
  switch (kind) {
    case 'sign_out_everywhere':
      return `${email} was signed out everywhere: ${sessions}.`;
    case 'reset_two_factor':
      return `Two-factor authentication was reset for ${email}: it is off, their authenticator, backup codes and trusted devices were removed, and ${sessions}. ${mailed ? 'They were emailed.' : 'The email to them could not be sent: tell them yourself.'} They can now sign in with their password alone and set it up again.`;
    case 'lock':
      return `${email} is locked: signing in is refused, and ${sessions}.`;
    case 'unlock':
      return `${email} is unlocked: they can sign in again.`;
  }
}
