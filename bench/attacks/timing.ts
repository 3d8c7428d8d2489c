// Step-up timing: `Regenerate backup codes` and `Disable two-factor authentication` ask for the
// password and a code, and say only that one of them is wrong. If a wrong password answered
// faster than a right password with a wrong code, the reply time would tell a stolen session
// whether a guessed password is right. Measured for both kinds of code the field accepts.
import { randomInt } from 'node:crypto';
import { type MfaAccount, registerWithTwoFactor, securityAction, timeStep, totpCode } from '../accounts';
import { CookieJar } from '../forms';
import { type Attack, inParallel, strongPassword, tally } from './attack';

/**
 * Accounts × pairs: every try fails, and 10 failures in 15 minutes lock an account's second
 * step, so each account takes 8 (4 pairs: one per code kind, twice); 20 tries per arm and kind.
 */
const ACCOUNTS = 10;
const PAIRS_PER_KIND = 2;
/** Within noise: a difference under 10 ms, or under 15% of the larger median. */
const NOISE_MS = 10;
const NOISE_SHARE = 0.15;

type Kind = 'authenticator' | 'backup';
type Arm = 'wrong password' | 'right password, wrong code';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** A 6-digit code that no step the app accepts now (±1) gives for this key. */
async function wrongTotp(account: MfaAccount): Promise<string> {
  const step = timeStep(Date.now() / 1000);
  const valid = new Set(await Promise.all([-1, 0, 1, 2].map((d) => totpCode(account.secret, step + d))));
  for (;;) {
    const code = String(randomInt(1_000_000)).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

export const stepUpTiming: Attack = {
  name: 'step-up timing',
  async run({ baseUrl, addresses }) {
    const jars = Array.from({ length: ACCOUNTS }, () => new CookieJar(addresses.next()));
    const accounts = await inParallel(jars, 2, (jar) => registerWithTwoFactor(baseUrl, jar));
    const samples: { kind: Kind; arm: Arm; ms: number; said: string }[] = [];
    // Per kind, the n-th pair: regenerate and disable alternate, and so does which arm goes first.
    const pairsOf: Record<Kind, number> = { authenticator: 0, backup: 0 };
    for (const [i, account] of accounts.entries()) {
      const jar = jars[i] as CookieJar;
      // A well-formed backup code that is not this account's: one of the next account's.
      const foreignCode = accounts[(i + 1) % ACCOUNTS]?.backupCodes[0] ?? '';
      for (let pair = 0; pair < 2 * PAIRS_PER_KIND; pair++) {
        const kind: Kind = pair % 2 === 0 ? 'authenticator' : 'backup';
        const n = pairsOf[kind]++;
        const action = n % 2 === 0 ? 'regenerateAction' : 'disableAction';
        const arms: Arm[] =
          (n >> 1) % 2 === 0
            ? ['wrong password', 'right password, wrong code']
            : ['right password, wrong code', 'wrong password'];
        for (const arm of arms) {
          const code = kind === 'authenticator' ? await wrongTotp(account) : foreignCode;
          const password = arm === 'wrong password' ? strongPassword() : account.password;
          const t0 = performance.now();
          const state = await securityAction(baseUrl, jar, action, { password, code });
          const ms = performance.now() - t0;
          const said = state.ok
            ? 'ACCEPTED'
            : (state.error ?? Object.values(state.fieldErrors ?? {})[0] ?? '?');
          samples.push({
            kind,
            arm,
            ms,
            said: said.startsWith('Too many attempts') ? 'too many attempts' : said,
          });
        }
      }
    }
    const answers = new Set(samples.map((s) => s.said));
    const verdicts = (['authenticator', 'backup'] as Kind[]).map((kind) => {
      const of = (arm: Arm) =>
        median(samples.filter((s) => s.kind === kind && s.arm === arm).map((s) => s.ms));
      const wrongPassword = of('wrong password');
      const wrongCode = of('right password, wrong code');
      const diff = Math.abs(wrongPassword - wrongCode);
      const larger = Math.max(wrongPassword, wrongCode);
      return {
        held: diff < NOISE_MS || diff < NOISE_SHARE * larger,
        text:
          `${kind}-shaped code: wrong password ${wrongPassword.toFixed(1)} ms vs right password + wrong code ` +
          `${wrongCode.toFixed(1)} ms (Δ ${diff.toFixed(1)} ms, ${((100 * diff) / larger).toFixed(0)}% of the larger)`,
      };
    });
    const perArm = samples.length / 4;
    return {
      held: answers.size === 1 && verdicts.every((v) => v.held),
      figures:
        `medians of ${perArm} alternating tries per arm over ${ACCOUNTS} accounts (regenerate and disable alternating): ` +
        `${verdicts.map((v) => `${v.text}${v.held ? '' : ' OUTSIDE NOISE'}`).join('; ')}; ` +
        `rule: within noise when Δ < ${NOISE_MS} ms or < ${NOISE_SHARE * 100}% of the larger median; ` +
        `answers: ${tally(samples, (s) => `"${s.said}"`)}`,
    };
  },
};
