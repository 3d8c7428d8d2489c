/**
 * The surface every second factor has (Better Auth's TwoFactorProvider, smaller): its id, its
 * code shape, and spending a code. Enrollment differs by nature (a secret to scan, codes to keep)
 * and stays on each factor; the shared check (lib/auth/second-factor.ts) only ever dispatches
 * through this interface, via the table in ./factors.ts.
 */
export type SecondFactorMethod = 'totp' | 'backup';

/** A spent code; `left` is what remains of a factor that runs out (backup codes). */
export type Spent = { method: SecondFactorMethod; left?: number };

export interface SecondFactor {
  readonly id: SecondFactorMethod;
  /** The factor's canonical form of typed input, or null when it cannot be one of its codes. */
  normalize(input: string): string | null;
  /**
   * Check a normalised code and spend it, atomically: of concurrent uses of one code, at most one
   * succeeds. Null for a wrong code; throws only on a fault of ours (say, a secret that fails to
   * decrypt), which must not count as a guess.
   */
  spend(userId: string, normalized: string): Promise<Spent | null>;
  /** The same check as spend, spending nothing (so a refusal for another reason costs the same). */
  check(userId: string, normalized: string): Promise<boolean>;
}
