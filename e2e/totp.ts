import { generate } from 'otplib';

/**
 * Authenticator codes for tests, computed from the key the page shows, as a phone would.
 * Codes are single use (the server accepts only a later 30-second step than the last one it
 * took), so a test asks for a code from a step after the one it last used; and it keeps clear of
 * the last 3 seconds of a step, so the code is still current when the server checks it.
 * The server records the latest step of its window (±1) a code matches, so a code that the
 * steps around the last one also showed (one pair of steps in a million) would be a replay:
 * such a step is skipped too.
 */
const PERIOD_MS = 30_000;
const MARGIN_MS = 3_000;

export const stepAt = (ms: number) => Math.floor(ms / PERIOD_MS);

const codeAtStep = (secret: string, step: number) => generate({ secret, epoch: step * 30 });

export async function totpCode(secret: string, after?: number): Promise<{ code: string; step: number }> {
  const spent =
    after === undefined ? [] : await Promise.all([-1, 0, 1].map((d) => codeAtStep(secret, after + d)));
  for (;;) {
    const now = Date.now();
    const step = stepAt(now);
    const intoStep = now % PERIOD_MS;
    if ((after === undefined || step > after) && intoStep < PERIOD_MS - MARGIN_MS) {
      const code = await generate({ secret, epoch: Math.floor(now / 1000) });
      if (!spent.includes(code)) return { code, step };
    }
    const nextStep = (step + 1) * PERIOD_MS;
    await new Promise((r) => setTimeout(r, nextStep - now + 50));
  }
}

/**
 * `count` well-formed codes that no step from 2 before now to 4 after shows: wrong for any check
 * in the next minute and a half, where any fixed six digits are right one time in about 330,000.
 */
export async function wrongTotpCodes(secret: string, count = 1): Promise<string[]> {
  const now = stepAt(Date.now());
  const near = await Promise.all([-2, -1, 0, 1, 2, 3, 4].map((d) => codeAtStep(secret, now + d)));
  const wrong: string[] = [];
  for (let n = 0; wrong.length < count; n++) {
    const candidate = String((n * 111_111 + 13) % 1_000_000).padStart(6, '0');
    if (!near.includes(candidate)) wrong.push(candidate);
  }
  return wrong;
}
