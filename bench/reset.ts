// Reset requests for addresses with and without an account: /forgot-password must answer both
// with the same words, status and (within noise) time. Timing is measured here, never asserted
// in a test.
import { randomBytes } from 'node:crypto';
import { actionFormFields, CookieJar, formData, submitAction } from './forms';

/** The app's limit is 3 reset requests an hour per address (lib/rate-limit LIMITS). */
export const REQUESTS_PER_ADDRESS = 3;

export type ResetSample = { known: boolean; ms: number };
export type ResetReplies = { samples: ResetSample[]; statuses: Set<string>; replies: Set<string> };

/** The reply a person sees: the page's status/alert texts, with the typed address taken out. */
function reply(body: string, email: string): string {
  const texts = [...body.matchAll(/role="(?:status|alert)"[^>]*>([\s\S]*?)<\/(?:div|p)>/g)].map((m) =>
    (m[1] ?? '').replace(/<[^>]*>/g, '').trim(),
  );
  return texts.join(' | ').replaceAll(email, '<email>');
}

/**
 * `rounds` × (one known, one unknown), alternating which goes first, each from its own client
 * address, `client()` (the server trusts one proxy hop for this run), so the per-IP limit is not
 * what is measured; known addresses are reused at most REQUESTS_PER_ADDRESS times.
 */
export async function resetRequests(
  baseUrl: string,
  known: string[],
  rounds: number,
  client: () => string,
): Promise<ResetReplies> {
  if (known.length * REQUESTS_PER_ADDRESS < rounds)
    throw new Error('not enough known addresses for the rounds');
  const url = `${baseUrl}/forgot-password`;
  const fields = await actionFormFields(url, { jar: new CookieJar(client()) });
  const result: ResetReplies = { samples: [], statuses: new Set(), replies: new Set() };
  const once = async (email: string, isKnown: boolean) => {
    const headers = { 'x-forwarded-for': client() };
    const t0 = performance.now();
    const answer = await submitAction(url, formData(fields, { email }), undefined, headers);
    const ms = performance.now() - t0;
    result.samples.push({ known: isKnown, ms });
    result.statuses.add(String(answer.status));
    result.replies.add(reply(answer.body, email));
  };
  for (let round = 0; round < rounds; round++) {
    const knownEmail = known[round % known.length] ?? '';
    const unknownEmail = `nobody-${randomBytes(6).toString('hex')}@example.com`;
    if (round % 2 === 0) {
      await once(knownEmail, true);
      await once(unknownEmail, false);
    } else {
      await once(unknownEmail, false);
      await once(knownEmail, true);
    }
  }
  return result;
}
