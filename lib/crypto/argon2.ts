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
