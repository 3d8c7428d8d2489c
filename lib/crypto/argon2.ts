/**
 * argon2id at the OWASP Password Storage Cheat Sheet minimum (m=19 MiB, t=2, p=1): for passwords
 * and for backup codes, which at 50 bits are below the 112 bits under which NIST SP 800-63B
 * §5.1.2.2 asks for a salted, slow hash too.
 */
export const ARGON2_PARAMS = {
  algorithm: 2 /* Algorithm.Argon2id (a const enum, so not importable here) */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * A fixed argon2id hash with ARGON2_PARAMS, of a value no caller accepts: verifying against it
 * costs what verifying against a stored hash costs, so a path with nothing to check (an unknown
 * email, a backup code whose lookup matches no row) takes the same time as one with something.
 * A constant rather than computed on first use, or the first such request per process would cost
 * a hash plus a verify. Its result is never used: callers answer false whatever it says.
 */
export const DUMMY_ARGON2_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$FkL2XOdQPt1nnqM0oM/Blg$Y+xvOZE2XezqaHNxjixA27ItmFuH1KXrlUR2XN6tuvc';
