// Revocation stays immediate: a copy of a session cookie (what a thief or a second tab holds) is
// refused on its very next request once that session is signed out, on the instance that signed
// it out and on any other instance of the same database and store. The copy is used first (so
// whatever the session check keeps between requests holds it), then `Sign out`, then one request.
import { dashboardAnswer, signOut } from './accounts';
import { CookieJar, SESSION_COOKIE } from './forms';

export type RevocationCheck = {
  /** Where the sign-out happened and where the copy was tried. */
  label: string;
  refused: boolean;
  /** How /dashboard answered the copy: before the sign-out (each warm-up), and right after it. */
  before: string[];
  after: string;
};

/** A new browser holding only a copy of the jar's session cookie, at the same client address. */
function copyOf(jar: CookieJar): CookieJar {
  const cookie = jar.get(SESSION_COOKIE);
  if (!cookie) throw new Error('revocation check: the browser holds no session cookie');
  const copy = new CookieJar(jar.from);
  copy.set(SESSION_COOKIE, cookie);
  return copy;
}

/**
 * Copy the jar's session cookie; with the copy, GET /dashboard on each of `warmAt` (each must show
 * the page); sign out from the jar on `signOutAt`; then GET /dashboard once with the copy on
 * `checkAt`. Throws when a step that is not the verdict fails (the copy never worked, the
 * sign-out failed, a server error), so a broken run cannot pass for a refusal.
 */
export async function copiedCookieCheck(check: {
  label: string;
  jar: CookieJar;
  signOutAt: string;
  checkAt: string;
  warmAt?: string[];
}): Promise<RevocationCheck> {
  const { label, jar, signOutAt, checkAt, warmAt = [checkAt] } = check;
  const copy = copyOf(jar);
  const before: string[] = [];
  for (const baseUrl of warmAt) {
    const answer = await dashboardAnswer(baseUrl, copyOf(copy));
    if (!answer.alive)
      throw new Error(
        `${label}: the copied cookie did not open /dashboard before the sign-out (${answer.answer})`,
      );
    before.push(answer.answer);
  }
  await signOut(signOutAt, jar);
  const after = await dashboardAnswer(checkAt, copyOf(copy));
  if (/^5\d\d/.test(after.answer)) throw new Error(`${label}: /dashboard answered ${after.answer}`);
  return { label, refused: !after.alive, before, after: after.answer };
}
