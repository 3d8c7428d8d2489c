import 'server-only';
import { sql } from 'drizzle-orm';
import { db } from '@/lib/db/client';
import { isDraining } from '@/lib/http/graceful.mjs';
import { store } from '@/lib/kv';
import { describeFailure } from '@/lib/log';

/**
 * What /api/ready reports. Each check is one status word: a load balancer needs to know whether
 * to send traffic here, and an error's text (a host, a user name in a connection string) is not
 * for an unauthenticated endpoint. The reason goes to the log, through the log filter.
 */
export type CheckStatus = 'ok' | 'timeout' | 'error' | 'draining';
export type Readiness = { ready: boolean; checks: Record<string, CheckStatus> };

/** Longer than the store's own 1.5 s command timeout, so a down Redis reports its own failure. */
const CHECK_TIMEOUT_MS = 2_000;

async function check(name: string, probe: () => Promise<unknown>): Promise<CheckStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), CHECK_TIMEOUT_MS);
  });
  const answered = probe().then(
    () => 'ok' as const,
    (error: unknown) => {
      console.warn(`latchkey: readiness check ${name} failed: ${describeFailure(error)}`);
      return 'error' as const;
    },
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(): Promise<Readiness> {
  // Draining: the process is finishing its last requests; new ones belong elsewhere.
  if (isDraining()) return { ready: false, checks: { server: 'draining' } };
  const [database, kv] = await Promise.all([
    check('database', async () => (await db()).execute(sql`select 1`)),
    check('store', () => store().redis.ping()),
  ]);
  return { ready: database === 'ok' && kv === 'ok', checks: { database, store: kv } };
}
