// What others, or a loop, can write into what the owner reads: the security-activity list of
// /settings/security and the owner's mailbox (/dev/outbox).
import {
  passwordStep,
  register,
  securityAction,
  securityPage,
  signInOutcome,
  verifyEmail,
} from '../accounts';
import { actionFormFields, CookieJar } from '../forms';
import { listItems, textOf } from '../html';
import { mailsTo } from '../outbox';
import {
  type Attack,
  type AttackContext,
  inParallel,
  strongPassword,
  tally,
  withWrongPassword,
} from './attack';

const WRONG_SIGN_INS = 60;
/** "A few": the refusal rows the owner may see, however many refusals there were. */
const REFUSAL_ROWS_MAX = 5;

export const refusalsInHistory: Attack = {
  name: "refusals in the owner's history",
  async run({ baseUrl, addresses }) {
    const owner = new CookieJar(addresses.next());
    const account = await register(baseUrl, owner);
    const changed = await securityAction(baseUrl, owner, 'changePasswordAction', {
      currentPassword: account.password,
      newPassword: strongPassword(),
    });
    if (!changed.ok) throw new Error(`the owner's password change failed: ${JSON.stringify(changed)}`);

    const fields = await actionFormFields(`${baseUrl}/login`);
    const outcomes = await inParallel(Array.from({ length: WRONG_SIGN_INS }), 4, async () =>
      signInOutcome(
        await passwordStep(baseUrl, withWrongPassword(account), new CookieJar(addresses.next()), fields),
      ),
    );

    const items = listItems(await securityPage(baseUrl, owner), 'security-activity');
    if (!items) throw new Error('no data-testid="security-activity" list on the settings page');
    // Each row: its label (and "(N times)"), then a muted line with when, where and what device.
    const labels = items.map((item) => textOf(item.split(/<div class="muted/)[0] ?? item));
    const refusals = labels.filter((l) => /^(Failed sign-in|Sign-in refused)/.test(l));
    const folded = refusals.some((l) => /\((\d+) times\)/.test(l));
    const counted = refusals.reduce((sum, l) => sum + Number(/\((\d+) times\)/.exec(l)?.[1] ?? 1), 0);
    const ownChange = labels.some((l) => l.startsWith('Password changed'));
    return {
      held: refusals.length <= REFUSAL_ROWS_MAX && folded && ownChange,
      figures:
        `${WRONG_SIGN_INS} wrong sign-ins from ${WRONG_SIGN_INS} addresses (${tally(outcomes)}): ` +
        `${items.length} activity rows, ${refusals.length} of them refusals (at most ${REFUSAL_ROWS_MAX}, folded), ` +
        `counting ${counted}: ${refusals.map((l) => `"${l}"`).join(', ') || 'none'}; ` +
        `the owner's earlier "Password changed": ${ownChange ? 'listed' : 'NOT listed'}`,
    };
  },
};

const ROUND_TRIPS = 10;

/** A→B→A `ROUND_TRIPS` times from a signed-in session; how many changes went through, how many mails came. */
async function changeBackAndForth({ baseUrl, addresses }: AttackContext, verified: boolean) {
  const jar = new CookieJar(addresses.next());
  const account = await register(baseUrl, jar);
  if (verified) await verifyEmail(baseUrl, account);
  const passwords = [account.password, strongPassword()];
  let changes = 0;
  for (let i = 0; i < 2 * ROUND_TRIPS; i++) {
    const [current = '', next = ''] = i % 2 === 0 ? passwords : [...passwords].reverse();
    const state = await securityAction(baseUrl, jar, 'changePasswordAction', {
      currentPassword: current,
      newPassword: next,
    });
    if (state.ok) changes++;
  }
  const mails = await mailsTo(baseUrl, account.email, 'password was changed');
  return { changes, mails: mails.length };
}

export const noticeFlood: Attack = {
  name: 'notice flood',
  async run(ctx) {
    const verified = await changeBackAndForth(ctx, true);
    const unverified = await changeBackAndForth(ctx, false);
    const all = 2 * ROUND_TRIPS;
    return {
      held:
        verified.changes === all &&
        unverified.changes === all &&
        verified.mails <= 3 &&
        unverified.mails <= 1,
      figures:
        `password changed A→B→A ${ROUND_TRIPS} times: verified address ${verified.changes} changes, ` +
        `${verified.mails} "password was changed" mail(s) (at most 3); never-verified address ` +
        `${unverified.changes} changes, ${unverified.mails} mail(s) (at most 1)`,
    };
  },
};
