// argon2id in the bench process with the app's parameters: the baseline the sign-ins and the
// backup-code step are read against, timed beside their samples over the same minutes.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { timed } from './stats';

/** lib/auth/password.ts: OWASP's argon2id minimum. `2` is Algorithm.Argon2id (a const enum). */
const ARGON2_PARAMS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const ARGON2_LABEL = 'm=19456, t=2, p=1';
const ARGON2_WARMUP = 3;

export type Argon2Beside = Awaited<ReturnType<typeof argon2Beside>>;

/**
 * argon2id in this process with the app's parameters (lib/auth/password.ts), warmed up. `beside`
 * times `sample` and one verification right after each other, in turns first and second, so
 * whatever else the machine does at that moment (the cores are shared) weighs on both alike.
 */
export async function argon2Beside() {
  const password = `${randomBytes(18).toString('base64url')}-Lk7`;
  const stored = await hash(password, ARGON2_PARAMS);
  const verifyOnce = () =>
    timed(async () => {
      if (!(await verify(stored, password))) throw new Error('argon2 verify rejected the right password');
    });
  for (let i = 0; i < ARGON2_WARMUP; i++) await verifyOnce();
  return {
    beside: async (i: number, sample: () => Promise<number>): Promise<{ ms: number; verifyMs: number }> => {
      if (i % 2 === 0) {
        const verifyMs = await verifyOnce();
        return { ms: await sample(), verifyMs };
      }
      const ms = await sample();
      return { ms, verifyMs: await verifyOnce() };
    },
    hashes: async (n: number): Promise<number[]> => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) ms.push(await timed(() => hash(password, ARGON2_PARAMS)));
      return ms;
    },
  };
}
