import 'server-only';
import { eq } from 'drizzle-orm';
import { type Db, db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';

/**
 * An account an administrator locked (users.locked_at): it keeps its data, but no session of it
 * may start, whatever the path (password, second step, API, recovery, a trusted device). The
 * flows refuse with `accountLocked` where they can say so in their own words (after the password,
 * never before it); createSession refuses anything that slips past them by throwing this, which
 * the action and API wrappers turn into the same refusal.
 */
export class AccountLockedError extends Error {
  constructor() {
    super('account locked');
    this.name = 'AccountLockedError';
  }
}

export async function isAccountLocked(userId: string, tx?: Db): Promise<boolean> {
  const database = tx ?? (await db());
  const [row] = await database
    .select({ lockedAt: users.lockedAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row?.lockedAt != null;
}
