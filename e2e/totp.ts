import { generate } from 'otplib';

/**
 * Authenticator codes for tests, computed from the key the page shows, as a phone would.
 * Codes are single use (the server accepts only a later 30-second step than the last one it
 * took), so a test asks for a code from a step after the one it last used; and it keeps clear of
 * the last 3 seconds of a step, so the code is still current when the server checks it.
 */
const PERIOD_MS = 30_000;
const MARGIN_MS = 3_000;

export const stepAt = (ms: number) => Math.floor(ms / PERIOD_MS);

export async function totpCode(secret: string, after?: number): Promise<{ code: string; step: number }> {
  for (;;) {
    const now = Date.now();
    const step = stepAt(now);
    const intoStep = now % PERIOD_MS;
    if ((after === undefined || step > after) && intoStep < PERIOD_MS - MARGIN_MS) {
      const code = await generate({ secret, epoch: Math.floor(now / 1000) });
      return { code, step };
    }
    const nextStep = (step + 1) * PERIOD_MS;
    await new Promise((r) => setTimeout(r, nextStep - now + 50));
  }
}
