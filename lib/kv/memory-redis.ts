import { createHash } from 'node:crypto';
import type { Requester, UpstashRequest, UpstashResponse } from '@upstash/redis';
import { ExpiryHeap } from './expiry-heap';

/**
 * An in-process stand-in for Redis, spoken to through @upstash/redis's Requester interface, so
 * the embedded default runs the very same @upstash/ratelimit and key-value code as Upstash and
 * REDIS_URL. It serves one process only (fine for `npm run dev` and a single `npm start`).
 *
 * Lua cannot run here, so the scripts @upstash/ratelimit sends are recognised by their SHA-1 and
 * carried out by the equivalent code below. An unknown script is an error, never a silent pass;
 * the store tests run the real Ratelimit against this store and would fail on an upgrade that
 * changed a script.
 *
 * Expired keys are also removed without being read (as Redis does): every key with a deadline
 * waits in a heap, and a sweep takes out those whose deadline has passed. Otherwise each distinct
 * id ever counted (one per IP, per address tried) would stay in memory for good.
 */
type Entry = { value: string; expiresAt: number | null };
type Arg = string | number | null;

const FIXED_WINDOW_LIMIT = 'b2efc02798c8e9b471a10f9b1d5745db89923ff3';
const FIXED_WINDOW_REMAINING = '823cb2a5a902d69681244f5e28e5ebb8f2a89edd';
const RESET_TOKENS = '54bd274ddc59fb3be0f42deee2f64322a10e2b50';

/** How often the sweep runs while any key has a deadline; at most this late, expired keys go. */
const SWEEP_EVERY_MS = 1_000;
/** Keys one sweep may remove before yielding the event loop; the rest follow right after. */
const SWEEP_BATCH = 5_000;

class CommandError extends Error {}

export class MemoryRedis implements Requester {
  private data = new Map<string, Entry>();
  private deadlines = new ExpiryHeap();
  private sweepTimer: ReturnType<typeof setTimeout> | undefined;
  private now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Keys held, expired ones not yet swept included: what the store costs in memory. */
  get size(): number {
    return this.data.size;
  }

  async request<TResult = unknown>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
    const path = req.path ?? [];
    if (path[0] === 'pipeline' || path[0] === 'multi-exec') {
      // Single-threaded: a batch runs without interleaving, which is what MULTI/EXEC promises.
      const commands = req.body as Arg[][];
      return commands.map((c) => this.run(c)) as unknown as UpstashResponse<TResult>;
    }
    return this.run(req.body as Arg[]) as UpstashResponse<TResult>;
  }

  private run(command: Arg[]): UpstashResponse<never> {
    try {
      return { result: this.exec(command.map((a) => (a === null ? '' : String(a)))) as never };
    } catch (error) {
      if (error instanceof CommandError) return { error: error.message };
      throw error;
    }
  }

  private live(key: string): Entry | undefined {
    const entry = this.data.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Give a key a deadline: the sweep will remove it then, read or not. */
  private expireAt(key: string, entry: Entry, at: number): void {
    entry.expiresAt = at;
    this.deadlines.push({ at, key });
    this.scheduleSweep(SWEEP_EVERY_MS);
  }

  /**
   * A timer only while some key has a deadline (unref'd: it never keeps the process alive), so an
   * idle store, or one no longer referenced, costs nothing.
   */
  private scheduleSweep(delayMs: number): void {
    if (this.sweepTimer || this.deadlines.size === 0) return;
    this.sweepTimer = setTimeout(() => {
      this.sweepTimer = undefined;
      const finished = this.sweep();
      this.scheduleSweep(finished ? SWEEP_EVERY_MS : 0);
    }, delayMs);
    this.sweepTimer.unref?.();
  }

  /**
   * Remove keys whose deadline has passed: O(log n) per deadline due, none for the others. A heap
   * entry whose key was deleted or given a later deadline since is dropped without effect (the
   * later deadline has an entry of its own). Returns false when it stopped at SWEEP_BATCH.
   */
  private sweep(): boolean {
    const now = this.now();
    for (let i = 0; i < SWEEP_BATCH; i++) {
      const due = this.deadlines.popDue(now);
      if (!due) return true;
      const entry = this.data.get(due.key);
      if (entry && entry.expiresAt !== null && entry.expiresAt <= now) this.data.delete(due.key);
    }
    return false;
  }

  private get(key: string): string | null {
    return this.live(key)?.value ?? null;
  }

  private incrBy(key: string, by: number): number {
    const entry = this.live(key);
    const current = entry ? Number(entry.value) : 0;
    if (!Number.isInteger(current)) throw new CommandError('ERR value is not an integer or out of range');
    const next = current + by;
    this.data.set(key, { value: String(next), expiresAt: entry?.expiresAt ?? null });
    return next;
  }

  private pexpire(key: string, ms: number): number {
    const entry = this.live(key);
    if (!entry) return 0;
    this.expireAt(key, entry, this.now() + ms);
    return 1;
  }

  private exec(args: string[]): unknown {
    const [name = '', ...rest] = args;
    switch (name.toLowerCase()) {
      case 'ping':
        return 'PONG';
      case 'get':
        return this.get(rest[0] ?? '');
      case 'set':
        return this.set(rest);
      case 'getdel': {
        const value = this.get(rest[0] ?? '');
        this.data.delete(rest[0] ?? '');
        return value;
      }
      case 'del':
        return rest.filter((k) => this.live(k) && this.data.delete(k)).length;
      case 'exists':
        return rest.filter((k) => this.live(k)).length;
      case 'incr':
        return this.incrBy(rest[0] ?? '', 1);
      case 'decr':
        return this.incrBy(rest[0] ?? '', -1);
      case 'incrby':
        return this.incrBy(rest[0] ?? '', toInt(rest[1]));
      case 'pexpire':
        return this.pexpire(rest[0] ?? '', toInt(rest[1]));
      case 'expire':
        return this.pexpire(rest[0] ?? '', toInt(rest[1]) * 1000);
      case 'pttl': {
        const entry = this.live(rest[0] ?? '');
        if (!entry) return -2;
        return entry.expiresAt === null ? -1 : entry.expiresAt - this.now();
      }
      case 'flushdb':
      case 'flushall':
        this.data.clear();
        this.deadlines.clear();
        return 'OK';
      case 'evalsha':
        return this.evalScript(rest[0] ?? '', rest.slice(1), 'NOSCRIPT No matching script');
      case 'eval':
        return this.evalScript(
          sha1(rest[0] ?? ''),
          rest.slice(1),
          'ERR script not supported by the in-process store',
        );
      default:
        throw new CommandError(`ERR unknown command '${name}' for the in-process store`);
    }
  }

  private set(rest: string[]): 'OK' | null {
    const [key = '', value = '', ...opts] = rest;
    let expiresAt: number | null = null;
    let nx = false;
    for (let i = 0; i < opts.length; i++) {
      const opt = opts[i]?.toLowerCase();
      if (opt === 'nx') nx = true;
      else if (opt === 'px') expiresAt = this.now() + toInt(opts[++i]);
      else if (opt === 'ex') expiresAt = this.now() + toInt(opts[++i]) * 1000;
      else throw new CommandError(`ERR unsupported SET option '${opts[i]}'`);
    }
    if (nx && this.live(key)) return null;
    const entry: Entry = { value, expiresAt: null };
    this.data.set(key, entry);
    if (expiresAt !== null) this.expireAt(key, entry, expiresAt);
    return 'OK';
  }

  private evalScript(sha: string, rest: string[], unknownError: string): unknown {
    const numKeys = toInt(rest[0]);
    const keys = rest.slice(1, 1 + numKeys);
    const argv = rest.slice(1 + numKeys);
    switch (sha) {
      case FIXED_WINDOW_LIMIT: {
        const [key = '', dynamicKey] = keys;
        const limit = this.effectiveLimit(toInt(argv[0]), dynamicKey);
        const by = toInt(argv[2]);
        const used = this.incrBy(key, by);
        if (used === by) this.pexpire(key, toInt(argv[1]));
        return [used, limit];
      }
      case FIXED_WINDOW_REMAINING: {
        const [key = '', dynamicKey] = keys;
        const limit = this.effectiveLimit(toInt(argv[0]), dynamicKey);
        return [limit - Number(this.get(key) ?? 0), limit];
      }
      case RESET_TOKENS: {
        const pattern = globToRegExp(keys[0] ?? '');
        for (const key of [...this.data.keys()]) if (pattern.test(key)) this.data.delete(key);
        return null;
      }
      default:
        throw new CommandError(unknownError);
    }
  }

  private effectiveLimit(tokens: number, dynamicKey: string | undefined): number {
    const dynamic = dynamicKey ? this.get(dynamicKey) : null;
    return dynamic === null ? tokens : Number(dynamic);
  }
}

function toInt(value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CommandError('ERR value is not an integer or out of range');
  return n;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
