import { createHash } from 'node:crypto';
import type { Requester, UpstashRequest, UpstashResponse } from '@upstash/redis';
import type { Redis as IORedis } from 'ioredis';

/**
 * REDIS_URL support: lets @upstash/redis (and so @upstash/ratelimit) talk to any Redis through
 * ioredis, with the replies shaped as Upstash's REST API shapes them.
 *
 * Two differences to bridge:
 * - Upstash scripts start with `#!lua flags=allow-key-locking`, a flag stock Redis refuses.
 *   The line is stripped before EVAL; EVALSHA of the original hash is mapped to the hash of the
 *   stripped script, and answers NOSCRIPT (so the caller falls back to EVAL) until it is known.
 * - ioredis turns HGETALL into an object; Upstash returns the flat [field, value, ...] list.
 */
const SHEBANG = /^#!lua[^\n]*\n/;

type Arg = string | number | null;

export class IORedisRequester implements Requester {
  private readonly shaMap = new Map<string, string>();

  constructor(private readonly client: IORedis) {}

  /** Drops the connection at once (no QUIT round trip: a Redis that is down would never answer it). */
  close(): void {
    this.client.disconnect();
  }

  async request<TResult = unknown>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
    const path = req.path ?? [];
    if (path[0] === 'pipeline' || path[0] === 'multi-exec') {
      const commands = req.body as Arg[][];
      const batch = path[0] === 'multi-exec' ? this.client.multi() : this.client.pipeline();
      for (const command of commands) {
        const [name, ...args] = this.prepare(command);
        batch.call(name as string, ...args);
      }
      const replies = (await batch.exec()) ?? [];
      return replies.map(([error, result], i) =>
        error ? { error: error.message } : { result: shape(commands[i]?.[0], result) },
      ) as unknown as UpstashResponse<TResult>;
    }
    const command = req.body as Arg[];
    try {
      const [name, ...args] = this.prepare(command);
      const result = await this.client.call(name as string, ...args);
      return { result: shape(command[0], result) as TResult };
    } catch (error) {
      // Replies Redis refused (NOSCRIPT, WRONGTYPE…) are answers; connection faults are thrown.
      if (error instanceof Error && error.name === 'ReplyError') return { error: error.message };
      throw error;
    }
  }

  private prepare(command: Arg[]): (string | number)[] {
    const [rawName, ...args] = command.map((a) => (a === null ? '' : a));
    const name = String(rawName).toLowerCase();
    if (name === 'eval' && typeof args[0] === 'string' && SHEBANG.test(args[0])) {
      const original = args[0];
      const stripped = original.replace(SHEBANG, '');
      this.shaMap.set(sha1(original), sha1(stripped));
      return ['eval', stripped, ...args.slice(1)];
    }
    if (name === 'evalsha' && typeof args[0] === 'string') {
      const mapped = this.shaMap.get(args[0]);
      if (mapped) return ['evalsha', mapped, ...args.slice(1)];
    }
    return [name, ...args] as (string | number)[];
  }
}

function shape(name: Arg | undefined, result: unknown): unknown {
  if (
    String(name).toLowerCase() === 'hgetall' &&
    result &&
    !Array.isArray(result) &&
    typeof result === 'object'
  ) {
    return Object.entries(result as Record<string, unknown>).flat();
  }
  return result;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
