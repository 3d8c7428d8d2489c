'use server';

import { notFound, redirect } from 'next/navigation';
import { validatedAction } from '@/lib/actions';
import { loginSchema } from '@/lib/validation/auth';

/**
 * Benchmark baseline only (`npm run bench`): the sign-in form's whole path through Next.js (the
 * POST, middleware, the action's decoding, the same validation, a 303) with none of the sign-in's
 * own work, so the bench can tell what a sign-in costs beyond the framework.
 */
const validated = validatedAction(loginSchema, { echo: ['email', 'callbackUrl'] }, async () =>
  redirect('/bench/dashboard'),
);

export async function benchSignInAction(...args: Parameters<typeof validated>) {
  // Without LATCHKEY_BENCH=1 it answers not found, like its page, before reading anything. A
  // bench-only switch, read here as the bench pages do: not an app setting (lib/env.ts).
  if (process.env.LATCHKEY_BENCH !== '1') notFound();
  return validated(...args);
}
