import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Options } from 'postgres';
import { env } from '@/lib/env';
import { describeFailure } from '@/lib/log';
import { POSTGRES_LIMITS } from './client';

/**
 * Changes that end or alter a session, announced by the database itself: triggers
 * (drizzle/0005_session_changes.sql) send a NOTIFY on this channel, with the user's id, when one of
 * the user's sessions is revoked, expires early, changes its second-factor state or is deleted,
 * when the account row changes or is deleted, and when two-factor is turned on or off. Triggers,
 * not calls sprinkled over the flows, so no write path (today's or a later one, another instance,
 * a script) can change a session behind a cache's back.
 */
export const SESSION_CHANGE_CHANNEL = 'latchkey_session_change';

export type ChangeWatcher = {
  /**
   * True while notifications are known to arrive: the LISTEN is in place and, for PostgreSQL,
   * the listening connection answered its last heartbeat. While false, nothing may be cached.
   */
  live: () => boolean;
  /**
   * True when an announcement is handled before the write that raised it returns (PGlite, in
   * this process). Otherwise it arrives a moment after the commit, from another connection, and a
   * request that comes in that moment (on another instance, right after a sign-out there) would
   * beat it: such a watcher keeps caches fresh, but cannot vouch for a session being live.
   */
  synchronous: boolean;
  /** Closed for good (the database was closed): a new watcher is needed. */
  closed: () => boolean;
  close: () => Promise<void>;
};

export type ChangeHandlers = {
  /** A change for this user id has committed. */
  changed: (userId: string) => void;
  /** Notifications may have been missed (connection lost, re-established): forget everything. */
  reset: () => void;
};

/**
 * PGlite runs in this process: a NOTIFY raised by a write is delivered before the write's own
 * promise resolves (also for a transaction's COMMIT), so the watcher is live as soon as it listens.
 */
export async function watchPglite(
  listen: (channel: string, callback: (payload: string) => void) => Promise<() => Promise<void>>,
  handlers: ChangeHandlers,
): Promise<ChangeWatcher> {
  const unlisten = await listen(SESSION_CHANGE_CHANNEL, handlers.changed);
  let live = true;
  return {
    live: () => live,
    synchronous: true,
    closed: () => !live,
    close: async () => {
      live = false;
      handlers.reset();
      await unlisten().catch(() => {});
    },
  };
}

/**
 * The heartbeat's own announcements: a payload no user id can be, ignored by every listener but
 * the one waiting for it.
 */
const HEARTBEAT_PREFIX = 'heartbeat:';

/** How often the listening connection must answer, and how long it may take. */
export const HEARTBEAT_MS = 2_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;
/** After a failed LISTEN, the next try (a dead server is not hammered). */
const RELISTEN_MS = 1_000;

/**
 * PostgreSQL: one connection of its own that does nothing but LISTEN (a pooled one would drop it).
 * Each instance of the app has one, so a change committed anywhere reaches every instance. A lost
 * connection makes the watcher not live at once (nothing is served from cache), and so does a
 * connection that stops answering the heartbeat (a silent network failure would otherwise show
 * only when TCP gives up, minutes later). Once listening again, handlers.reset runs: what changed
 * while nobody listened is unknown.
 */
export async function watchPostgres(handlers: ChangeHandlers): Promise<ChangeWatcher> {
  const { default: postgres } = await import('postgres');
  const url = env().DATABASE_URL as string;
  let live = false;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let lastFailureLog = 0;
  let awaited: { payload: string; arrived: () => void } | undefined;

  const goDown = (why: unknown) => {
    const was = live;
    live = false;
    handlers.reset();
    if (was && Date.now() - lastFailureLog > 60_000) {
      lastFailureLog = Date.now();
      console.warn(
        `latchkey: session change notifications lost (${describeFailure(why)}); sessions are checked in the database until they are back`,
      );
    }
  };

  // `onnotify` and `onclose` are options postgres.js reads (src/index.js parseOptions) but does not
  // type; its documented sql.listen() hides when its connection drops, which is what must be
  // known here. A change to them fails lib/auth/session-cache.test.ts against PostgreSQL.
  const connect = () =>
    postgres(url, {
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: POSTGRES_LIMITS.connect_timeout,
      connection: { application_name: 'latchkey-listener' },
      fetch_types: false,
      onnotice: () => {},
      onnotify: (channel: string, payload: string) => {
        if (channel !== SESSION_CHANGE_CHANNEL) return;
        if (payload.startsWith(HEARTBEAT_PREFIX)) {
          if (payload === awaited?.payload) awaited.arrived();
          return;
        }
        handlers.changed(payload);
      },
      onclose: () => {
        if (!closed) goDown(new Error('the listening connection closed'));
        scheduleListen();
      },
    } as Options<Record<string, never>>);
  let sql = connect();

  async function listen() {
    retry = undefined;
    if (closed) return;
    try {
      await withTimeout(sql.unsafe(`listen ${SESSION_CHANGE_CHANNEL}`), HEARTBEAT_TIMEOUT_MS);
      // Anything may have changed while not listening.
      handlers.reset();
      live = true;
    } catch (error) {
      goDown(error);
      replace();
      scheduleListen();
    }
  }

  function scheduleListen() {
    if (closed || retry) return;
    retry = setTimeout(listen, RELISTEN_MS);
    retry.unref();
  }

  /** A connection that stopped answering may hang on a dead socket: start over with a new one. */
  function replace() {
    const old = sql;
    sql = connect();
    old.end({ timeout: 0 }).catch(() => {});
  }

  // End to end: an announcement of our own must come back on the listening connection. An open
  // connection alone proves little (a pooler that does not carry LISTEN, say, answers queries
  // and delivers nothing).
  const heartbeat = setInterval(async () => {
    if (!live || closed) return;
    const payload = `${HEARTBEAT_PREFIX}${randomUUID()}`;
    const arrived = new Promise<void>((resolve) => {
      awaited = { payload, arrived: resolve };
    });
    try {
      await withTimeout(
        Promise.all([sql`select pg_notify(${SESSION_CHANGE_CHANNEL}, ${payload})`, arrived]),
        HEARTBEAT_TIMEOUT_MS,
      );
    } catch (error) {
      if (closed) return;
      goDown(error);
      replace();
      scheduleListen();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await listen();
  return {
    live: () => live,
    synchronous: false,
    closed: () => closed,
    close: async () => {
      closed = true;
      live = false;
      handlers.reset();
      clearInterval(heartbeat);
      if (retry) clearTimeout(retry);
      await sql.end({ timeout: 1 }).catch(() => {});
    },
  };
}

function withTimeout<T>(work: PromiseLike<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    Promise.resolve(work).finally(() => clearTimeout(timer)),
    new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
