// Attacks on the password step (/login): how many verifications, sessions and guesses the app
// grants, to whom, and whether guessing can lock the owner out. Every sign-in comes from a new
// browser (an empty jar) at a new client address unless the attack is about the browser.
import { randomBytes } from 'node:crypto';
import {
  type Account,
  dashboardAnswer,
  passwordStep,
  register,
  SECURITY_PAGE,
  type SignInOutcome,
  securityAction,
  securityPage,
  signInOutcome,
} from '../accounts';
import { actionFormFields, CookieJar } from '../forms';
import { alerts, listItems } from '../html';
import {
  type Attack,
  type AttackContext,
  inParallel,
  retryMinutes,
  strongPassword,
  tally,
  withWrongPassword,
} from './attack';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const count = (outcomes: SignInOutcome[], outcome: SignInOutcome) =>
  outcomes.filter((o) => o === outcome).length;

/** One sign-in from a new browser; `from` defaults to an address nobody used before. */
async function freshSignIn(
  { baseUrl, addresses }: AttackContext,
  account: Account,
  fields: [string, string][],
  from = addresses.next(),
): Promise<{ outcome: SignInOutcome; jar: CookieJar; said: string }> {
  const jar = new CookieJar(from);
  const result = await passwordStep(baseUrl, account, jar, fields);
  return { outcome: signInOutcome(result), jar, said: alerts(result.body).join(' ') };
}

const loginFields = (baseUrl: string) => actionFormFields(`${baseUrl}/login`);
const newAccount = ({ baseUrl, addresses }: AttackContext) =>
  register(baseUrl, new CookieJar(addresses.next()));

const VERIFICATION_BUDGET = 30;
const RIGHT_PASSWORD_SIGN_INS = 40;

export const argon2Budget: Attack = {
  name: 'argon2 budget',
  async run(ctx) {
    const account = await newAccount(ctx);
    const fields = await loginFields(ctx.baseUrl);
    const outcomes = (
      await inParallel(range(RIGHT_PASSWORD_SIGN_INS), 4, () => freshSignIn(ctx, account, fields))
    ).map((r) => r.outcome);
    const verified = count(outcomes, 'signed in');
    const refused = count(outcomes, 'too many attempts');
    return {
      held: verified <= VERIFICATION_BUDGET && verified + refused === RIGHT_PASSWORD_SIGN_INS,
      figures:
        `${verified} of ${RIGHT_PASSWORD_SIGN_INS} right-password sign-ins verified, ${refused} refused ` +
        `(429-equivalent: "Too many attempts"); budget ${VERIFICATION_BUDGET}` +
        (verified + refused < RIGHT_PASSWORD_SIGN_INS ? `; other answers: ${tally(outcomes)}` : ''),
    };
  },
};

const SESSION_SIGN_INS = 25;
const SESSION_CAP = 20;

export const sessionsPerAccount: Attack = {
  name: 'sessions per account',
  async run(ctx) {
    const registration = new CookieJar(ctx.addresses.next());
    const account = await register(ctx.baseUrl, registration);
    const fields = await loginFields(ctx.baseUrl);
    const signIns = await inParallel(range(SESSION_SIGN_INS), 4, () => freshSignIn(ctx, account, fields));
    const signedIn = signIns.filter((s) => s.outcome === 'signed in');
    const newest = signIns[signIns.length - 1];
    if (newest?.outcome !== 'signed in') {
      return { held: false, figures: `the sign-ins did not all work: ${tally(signIns, (s) => s.outcome)}` };
    }
    const items = listItems(await securityPage(ctx.baseUrl, newest.jar), 'sessions');
    const oldest = await dashboardAnswer(ctx.baseUrl, registration);
    const listed = items?.length ?? Number.NaN;
    return {
      held: signedIn.length === SESSION_SIGN_INS && listed <= SESSION_CAP,
      figures:
        `${signedIn.length} of ${SESSION_SIGN_INS} sign-ins (plus the registration's session): ` +
        `${items ? `${listed} items` : 'no list'} in data-testid="sessions" on ${SECURITY_PAGE} (cap ${SESSION_CAP}); ` +
        `the registration's session now gets /dashboard ${oldest.answer}`,
    };
  },
};

const GUESSES = 5;

export const ownerLockout: Attack = {
  name: 'owner lockout',
  async run(ctx) {
    const fields = await loginFields(ctx.baseUrl);

    // The owner's browser signed in before (a device cookie), then closed (its session cookie
    // ends with the browser); a guesser's browser has no cookies.
    const account = await newAccount(ctx);
    const owner = await freshSignIn(ctx, account, fields);
    const device = owner.jar.names().find((n) => /^(__Host-)?latchkey\.device\./.test(n));
    for (const name of owner.jar.names()) if (name !== device) owner.jar.delete(name);
    const guesser = ctx.addresses.next();
    const guesses = [];
    for (let i = 0; i < GUESSES; i++) {
      guesses.push((await freshSignIn(ctx, withWrongPassword(account), fields, guesser)).outcome);
    }
    const guesserRight = await freshSignIn(ctx, account, fields, guesser);
    const ownerAgain = signInOutcome(await passwordStep(ctx.baseUrl, account, owner.jar, fields));

    // Wrong current passwords typed in the owner's own settings, then public sign-in.
    const other = new CookieJar(ctx.addresses.next());
    const second = await register(ctx.baseUrl, other);
    const rechecks: string[] = [];
    for (let i = 0; i < 6; i++) {
      const state = await securityAction(ctx.baseUrl, other, 'changePasswordAction', {
        currentPassword: strongPassword(),
        newPassword: strongPassword(),
      });
      const said = state.fieldErrors?.currentPassword ?? state.error ?? (state.ok ? 'changed' : 'refused');
      rechecks.push(said.startsWith('Too many attempts') ? 'too many attempts' : said);
    }
    const afterSettings = await freshSignIn(ctx, second, fields);

    const held =
      device !== undefined &&
      owner.outcome === 'signed in' &&
      guesserRight.outcome === 'too many attempts' &&
      ownerAgain === 'signed in' &&
      afterSettings.outcome === 'signed in';
    return {
      held,
      figures:
        `${GUESSES} wrong passwords from a browser without cookies (${tally(guesses)}), then the right one ` +
        `from it: ${guesserRight.outcome}; the owner's browser (${device ? 'device cookie' : 'NO device cookie'}): ` +
        `${ownerAgain}. 6 wrong current passwords in the owner's settings (${tally(rechecks)}), then the right ` +
        `password at /login from a new browser: ${afterSettings.outcome}`,
    };
  },
};

const WINDOW_MS = 15 * 60_000;
/** Waiting for the limiter's next 15-minute window edge is worth it only when it is this close. */
const EDGE_WAIT_MAX_MS = 45_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export const windowEdge: Attack = {
  name: 'guesses across a window edge',
  async run(ctx) {
    const account = await newAccount(ctx);
    const fields = await loginFields(ctx.baseUrl);
    const guess = () => freshSignIn(ctx, withWrongPassword(account), fields);
    // Fixed windows start at multiples of 15 minutes: when the next edge is near, the first five
    // guesses go just before it and the rest just after, where a window alone would allow five more.
    const edge = Math.ceil(Date.now() / WINDOW_MS) * WINDOW_MS;
    const nearEdge = edge - Date.now() < EDGE_WAIT_MAX_MS;
    const results = [];
    if (nearEdge) await sleep(edge - Date.now() - 4000);
    for (let i = 0; i < GUESSES; i++) results.push(await guess());
    const straddled = nearEdge && Date.now() < edge;
    if (nearEdge) await sleep(edge - Date.now() + 250);
    for (let i = 0; i < GUESSES; i++) results.push(await guess());
    const outcomes = results.map((r) => r.outcome);
    const checked = count(outcomes, 'wrong password');
    const refused = count(outcomes, 'too many attempts');
    const wait = retryMinutes(results.find((r) => r.outcome === 'too many attempts')?.said ?? '');
    return {
      held: checked <= GUESSES && checked + refused === 2 * GUESSES && wait !== null && wait >= 14,
      figures:
        `${checked} of ${2 * GUESSES} wrong passwords checked, ${refused} refused; the refusal says ` +
        `${wait === null ? 'no wait' : `try again in ${wait} minutes`} (a lock from the fifth guess: 15) ` +
        (straddled
          ? `(sent across the window edge at ${new Date(edge).toISOString().slice(11, 19)} UTC)`
          : `(next 15-minute edge ${Math.round((edge - Date.now()) / 1000)} s away: not straddled)`),
    };
  },
};

const ROTATING_ACCOUNTS = 15;
const ROTATING_GUESSES = 60;
const IP_BUDGET = 50;

export const ipv6Rotation: Attack = {
  name: 'IPv6 /64 rotation',
  async run(ctx) {
    const accounts = await inParallel(range(ROTATING_ACCOUNTS), 2, () => newAccount(ctx));
    const fields = await loginFields(ctx.baseUrl);
    const randomHost = () => BigInt(`0x${randomBytes(8).toString('hex')}`);
    // One /64, a new address in it for every guess; each account gets at most 4 (below its own lock).
    const outcomes: SignInOutcome[] = [];
    for (const i of range(ROTATING_GUESSES)) {
      const account = withWrongPassword(accounts[i % ROTATING_ACCOUNTS] as Account);
      outcomes.push((await freshSignIn(ctx, account, fields, ctx.addresses.v6(1, randomHost()))).outcome);
    }
    // Other /64s of the same /48, one guess each at accounts the rotation left below their lock.
    const elsewhere = await inParallel(range(5), 1, (i) =>
      freshSignIn(
        ctx,
        withWrongPassword(accounts[i] as Account),
        fields,
        ctx.addresses.v6(2 + i, randomHost()),
      ),
    );
    const checked = count(outcomes, 'wrong password');
    const refused = count(outcomes, 'too many attempts');
    const firstRefused = outcomes.indexOf('too many attempts');
    const others = elsewhere.map((r) => r.outcome);
    return {
      held:
        checked <= IP_BUDGET &&
        checked + refused === ROTATING_GUESSES &&
        others.every((o) => o === 'wrong password'),
      figures:
        `${ROTATING_GUESSES} wrong sign-ins over ${ROTATING_ACCOUNTS} accounts from ${ROTATING_GUESSES} addresses in one /64: ` +
        `${checked} checked, ${refused} refused${firstRefused >= 0 ? ` (from #${firstRefused + 1})` : ''}; ` +
        `budget ${IP_BUDGET} per IP; 5 guesses from 5 other /64s: ${tally(others)}`,
    };
  },
};
