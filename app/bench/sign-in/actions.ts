'use server';

import { notFound, redirect } from 'next/navigation';
import { validatedAction } from '@/lib/actions';
import { loginSchema } from '@/lib/validation/auth';

/**
 * Benchmark baseline only (`npm run bench`): the sign-in form's whole path through Next.js (the
 * POST, middleware, the action's decoding, the same validation, a 303) with none of the sign-in's
 * own work, so the bench can tell what a sign-in costs beyond the framework. Without
 * LATCHKEY_BENCH=1 it answers not found, like its page.
 */
export const benchSignInAction = validatedAction(
  loginSchema,
  { echo: ['email', 'callbackUrl'] },
  async () => {
    if (process.env.LATCHKEY_BENCH !== '1') notFound();
    redirect('/bench/dashboard');
  },
);
