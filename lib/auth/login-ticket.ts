import 'server-only';
import { z } from 'zod';
import { hashToken, randomToken } from '@/lib/crypto/tokens';
import type { RequestContext } from '@/lib/http/request-context';
import { store } from '@/lib/kv';

/**
 * The hand-over between a fully verified sign-in (lib/auth/login.ts) and Auth.js, which mints
 * the session cookie through its Credentials provider. The provider accepts nothing but a ticket:
 * 256 random bits, stored hashed, valid 60 seconds, redeemed once (GETDEL is atomic). So the
 * public /api/auth/callback/credentials endpoint cannot be used to skip any check.
 */
const TTL_MS = 60_000;
const key = (token: string) => `latchkey:ticket:${hashToken(token)}`;

const payloadSchema = z.object({
  userId: z.uuid(),
  remember: z.boolean(),
  mfaVerified: z.boolean(),
  ip: z.string(),
  userAgent: z.string().nullable(),
});
export type TicketPayload = z.infer<typeof payloadSchema>;

export async function issueLoginTicket(
  userId: string,
  remember: boolean,
  ctx: RequestContext,
  mfaVerified = false,
): Promise<string> {
  const token = randomToken();
  const payload: TicketPayload = { userId, remember, mfaVerified, ip: ctx.ip, userAgent: ctx.userAgent };
  await store().redis.set(key(token), JSON.stringify(payload), { px: TTL_MS });
  return token;
}

export async function redeemLoginTicket(token: unknown): Promise<TicketPayload | null> {
  if (typeof token !== 'string' || token.length < 40 || token.length > 64) return null;
  const raw = await store().redis.getdel<unknown>(key(token));
  if (raw === null || raw === undefined) return null;
  // @upstash/redis parses JSON values itself; accept either form.
  const parsed = payloadSchema.safeParse(typeof raw === 'string' ? JSON.parse(raw) : raw);
  return parsed.success ? parsed.data : null;
}
