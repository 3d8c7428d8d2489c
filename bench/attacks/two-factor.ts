// Attacks on the second factor's settings: who may put an authenticator on an account, how often
// backup codes may be made, and what the "This wasn't me" link of the two-factor-on notice does.
import {
  backupCodesIn,
  dashboardAnswer,
  passwordStep,
  register,
  registerWithTwoFactor,
  type SettingsState,
  securityAction,
  signInOutcome,
} from '../accounts';
import { CookieJar, callServerAction, SESSION_COOKIE } from '../forms';
import { textOf } from '../html';
import { linkInMail } from '../outbox';
import { serverActionId } from '../server';
import { type Attack, strongPassword, tally } from './attack';

/** What a settings answer showed: a secret, or the refusal's first words. */
function setupAnswer(state: SettingsState): string {
  if (typeof state.enrollment?.secret === 'string') return 'a secret';
  const said = state.error ?? Object.values(state.fieldErrors ?? {})[0] ?? JSON.stringify(state);
  return `no secret ("${said}")`;
}

export const stolenSessionSetup: Attack = {
  name: 'stolen session turns two-factor on',
  async run({ baseUrl, addresses }) {
    const owner = new CookieJar(addresses.next());
    const account = await register(baseUrl, owner);
    // Elsewhere, with the session cookie only (no device cookie, another address).
    const thief = new CookieJar(addresses.next());
    thief.set(SESSION_COOKIE, owner.get(SESSION_COOKIE) ?? '');
    const without = setupAnswer(await securityAction(baseUrl, thief, 'startSetupAction', {}));
    const wrong = setupAnswer(
      await securityAction(baseUrl, thief, 'startSetupAction', { password: strongPassword() }),
    );
    const right = setupAnswer(
      await securityAction(baseUrl, thief, 'startSetupAction', { password: account.password }),
    );
    return {
      held: without !== 'a secret' && wrong !== 'a secret' && right === 'a secret',
      figures:
        `startSetupAction with only a session cookie: without a password → ${without}; ` +
        `wrong password → ${wrong}; right password (control) → ${right}`,
    };
  },
};

const REGENERATIONS_PER_HOUR = 5;

export const backupCodeRegeneration: Attack = {
  name: 'backup-code regeneration',
  async run({ baseUrl, addresses }) {
    const jar = new CookieJar(addresses.next());
    const account = await registerWithTwoFactor(baseUrl, jar);
    let codes = account.backupCodes;
    const answers: string[] = [];
    for (let i = 0; i <= REGENERATIONS_PER_HOUR; i++) {
      // Each set replaces the last: the next step-up uses a code of the newest set.
      const state = await securityAction(baseUrl, jar, 'regenerateAction', {
        password: account.password,
        code: codes[0] ?? '',
      });
      const fresh = backupCodesIn(state);
      if (fresh) codes = fresh;
      const said = state.error ?? Object.values(state.fieldErrors ?? {})[0] ?? 'no answer';
      answers.push(fresh ? 'new codes' : said.startsWith('Too many attempts') ? 'too many attempts' : said);
    }
    const last = answers[REGENERATIONS_PER_HOUR];
    return {
      held:
        answers.slice(0, REGENERATIONS_PER_HOUR).every((a) => a === 'new codes') &&
        last === 'too many attempts',
      figures:
        `${REGENERATIONS_PER_HOUR + 1} regenerations with the password and a backup code within the hour: ` +
        `${tally(answers.slice(0, REGENERATIONS_PER_HOUR))}; #${REGENERATIONS_PER_HOUR + 1}: ${last}`,
    };
  },
};

/** lib/action-state.ts: what a form's useActionState starts from. */
const INITIAL_STATE = { ok: false };

export const undoTwoFactor: Attack = {
  name: "This wasn't me",
  async run({ baseUrl, addresses }) {
    const enabler = new CookieJar(addresses.next());
    const account = await registerWithTwoFactor(baseUrl, enabler);
    const path = await linkInMail(baseUrl, account.email, '/undo/', 'Two-factor authentication is on');
    // Opened from the mailbox, in a browser with no session; its button, as the page's script sends it.
    const mailbox = new CookieJar(addresses.next());
    const page = await fetch(`${baseUrl}${path}`, { headers: mailbox.headers() });
    const offered = page.status === 200 && textOf(await page.text()).includes('Secure my account');
    const token = path.slice('/undo/'.length);
    const press = async () => {
      const form = new FormData();
      form.append('token', token);
      const { result } = await callServerAction(
        `${baseUrl}${path}`,
        serverActionId('app/undo/[token]/actions.ts', 'undoAction'),
        [INITIAL_STATE, form],
        mailbox,
      );
      return result as { ok?: boolean; undone?: string; error?: string };
    };
    const first = await press();
    const enablerAfter = await dashboardAnswer(baseUrl, enabler);
    const second = await press();
    const signIn = signInOutcome(await passwordStep(baseUrl, account, new CookieJar(addresses.next())));
    const cookie = mailbox.get(SESSION_COOKIE);
    return {
      held:
        offered &&
        first.ok === true &&
        !enablerAfter.alive &&
        second.ok !== true &&
        signIn === 'signed in' &&
        cookie === undefined,
      figures:
        `undo link from the two-factor-on mail (page offers "Secure my account": ${offered ? 'yes' : 'NO'}): ` +
        `first use → ${first.ok ? `undone (${first.undone})` : `NOT undone ("${first.error}")`}; ` +
        `the enabling session then gets /dashboard ${enablerAfter.answer}; password-only sign-in now: ${signIn}; ` +
        `second use → ${second.ok ? 'undone AGAIN' : `refused ("${second.error}")`}; ` +
        `session cookie in the mailbox's browser: ${cookie === undefined ? 'none' : 'YES'}`,
    };
  },
};
