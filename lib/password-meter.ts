/**
 * zxcvbn-ts, loaded once per process or page: the strength estimate the password policy
 * (lib/password-policy.ts) judges with. Client-safe. Its dictionaries are megabytes, so they
 * are imported dynamically: a page that shows the meter loads them on the first keystroke, not
 * with the page, and the server on the first password it judges.
 */

export type Score = 0 | 1 | 2 | 3 | 4;

export type Meter = {
  /** zxcvbn's score and warning (a key such as 'common'; the words shown are ours). */
  estimate(
    password: string,
    userInputs: string[],
  ): { score: Score; warning: string | null; inputsMatched: string[] };
  /** The 10,000 most common passwords, lower-case: the head of zxcvbn-ts's frequency-ranked list. */
  common: ReadonlySet<string>;
};

/**
 * zxcvbn's cost grows with length and l33t substitutions (a crafted 128-character password takes
 * about a second); the server runs it before any rate limit, so both are bounded, here for the
 * meter and the server alike. Characters past 64 add guesses, so a password whose first 64 pass
 * is strong; the policy's own checks (repetition, sequence, context words) still see it whole.
 */
const OPTIONS = { maxLength: 64, l33tMaxSubstitutions: 10 };

/**
 * One per process, not per bundle: Next.js builds the server's route handlers apart from its
 * pages and actions, so this module exists twice on the server, and each copy building its own
 * dictionaries cost about 38 MB more once /api/v1 judged a password (the bench's RSS). The slot
 * on globalThis lets the second copy use the first's meter without loading its own chunks.
 */
type Slot = { loading?: Promise<Meter>; loaded?: Meter };
const SLOT = Symbol.for('latchkey.password-meter');
const shared = globalThis as { [SLOT]?: Slot };
shared[SLOT] ??= {};
const slot: Slot = shared[SLOT];

export function loadMeter(): Promise<Meter> {
  slot.loading ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(([core, common, en]) => {
    const zxcvbn = new core.ZxcvbnFactory({
      ...OPTIONS,
      // No translations: warnings come back as keys, which the policy maps to our messages.
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
    });
    const meter: Meter = {
      estimate(password, userInputs) {
        const result = zxcvbn.check(password, userInputs);
        const inputsMatched = result.sequence
          .filter((m) => m.pattern === 'dictionary' && m.dictionaryName === 'userInputs')
          .map((m) => String(m.matchedWord));
        return { score: result.score, warning: result.feedback.warning, inputsMatched };
      },
      common: new Set(common.dictionary['passwords-common'].slice(0, 10_000)),
    };
    slot.loaded = meter;
    return meter;
  });
  // A chunk the network dropped is not remembered: the next call tries again.
  slot.loading.catch(() => {
    slot.loading = undefined;
  });
  return slot.loading;
}

/** The meter if it has loaded, so a component can render it without waiting. */
export function loadedMeter(): Meter | undefined {
  return slot.loaded;
}
