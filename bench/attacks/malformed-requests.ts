// The requests of the malformed-input run (bench/attacks/malformed.ts): garbage for every server
// action of the build, posted as the page posts it (a form without JavaScript, or the hydrated
// page's call), in the other encoding (so the action gets other arguments), with the encoding
// bent, or as raw bodies; bogus action ids; and every route with bad tokens, query strings,
// cookies, methods and router headers; now and then a body of 3 MB. Request i is drawn from a
// generator seeded with i, so a run sends the same requests whatever the order they go out in.

import { encodeActionArgs } from '../forms';
import type { ServerAction } from '../server';
import {
  BAD_UTF8,
  cookieGarbage,
  FIELD_NAMES,
  fileGarbage,
  pick,
  queryGarbage,
  type Rng,
  randomHex,
  routerHeaderGarbage,
  seeded,
  textGarbage,
  tokenGarbage,
} from './garbage';

const SEED = 0x1a7c4;
/** Every this many requests, one body of 3 MB (the app's limit is 2 MB). */
const HUGE_EVERY = 400;
const HUGE_BYTES = 3 * 1024 * 1024;

export type Probe = {
  cause: string;
  /** What kind of garbage, for grouping server errors. */
  kind: string;
  /** False when the request breaks the framework's own action encoding (see above). */
  wellFormed: boolean;
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: BodyInit;
};

/** /api/v1's routes (JSON bodies, bearer tokens). */
const API_ROUTES = [
  '/api/v1/auth/register',
  '/api/v1/auth/login',
  '/api/v1/auth/mfa/verify',
  '/api/v1/auth/token/refresh',
  '/api/v1/auth/logout',
  '/api/v1/auth/logout-all',
  '/api/v1/me',
  '/api/v1/mfa/setup',
  '/api/v1/mfa/enable',
  '/api/v1/mfa/disable',
  '/api/v1/sessions',
  '/api/v1/sessions/[token]',
];
const API_FIELDS = ['email', 'password', 'code', 'challengeToken', 'refreshToken'];

/** Routes a visitor can ask for, with `[token]` where a token goes, and a few that do not exist. */
export const ROUTES: { pattern: string; query?: string[] }[] = [
  { pattern: '/', query: ['deleted'] },
  { pattern: '/login', query: ['callbackUrl', 'notice', 'ended'] },
  { pattern: '/login/verify', query: ['callbackUrl', 'method'] },
  { pattern: '/register' },
  { pattern: '/forgot-password' },
  { pattern: '/dashboard' },
  { pattern: '/settings/security' },
  { pattern: '/settings/security/export' },
  { pattern: '/reset-password/[token]' },
  { pattern: '/verify-email/[token]' },
  { pattern: '/undo/[token]' },
  { pattern: '/session-ended', query: ['callbackUrl'] },
  { pattern: '/dev/outbox' },
  { pattern: '/manifest.webmanifest' },
  { pattern: '/.well-known/security.txt' },
  { pattern: '/bench/dashboard' },
  { pattern: '/api/auth/[token]' },
  { pattern: '/.well-known/jwks.json' },
  { pattern: '/api/v1/openapi.json' },
  ...API_ROUTES.map((pattern) => ({ pattern })),
  { pattern: '/_next/image', query: ['url', 'w', 'q'] },
  { pattern: '/_next/static/[token]' },
  { pattern: '/[token]' },
];
const METHODS = ['HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH', 'POST'];

export type Target = { cause: string; pattern: string; action: ServerAction };

/** Where an action's page is: `app/(auth)/login/page` → `/login`; `[token]` stays a placeholder. */
export function pagePattern(page: string): string {
  return (
    page
      .replace(/^app/, '')
      .replace(/\/page$/, '')
      .replace(/\/\([^/]+\)/g, '') || '/'
  );
}

function fill(pattern: string, rng: Rng): string {
  return pattern.replace(/\[[^\]]+\]/g, () => tokenGarbage(rng));
}

function query(rng: Rng, names: string[] | undefined): string {
  if (!names || rng() < 0.3) return '';
  return `?${names
    .filter(() => rng() < 0.7)
    .map((n) => `${n}=${queryGarbage(rng)}`)
    .join('&')}`;
}

export type Session = { cookie: string };

function cookies(
  rng: Rng,
  session: Session,
  allowValid: boolean,
): { header: Record<string, string>; what: string } {
  const r = rng();
  if (r < 0.3) return { header: {}, what: 'no cookies' };
  if (r < 0.7 && allowValid) return { header: { cookie: session.cookie }, what: 'a live session' };
  // Some bad cookie headers carry the live session too; not where it could be signed out.
  const live = allowValid ? session.cookie : 'latchkey.session=ended';
  return { header: { cookie: cookieGarbage(rng, live) }, what: 'bad cookies' };
}

/** Garbage fields: some of the app's names (and some it never uses), text or files, repeated or not. */
function garbageFields(rng: Rng): [string, string | Blob][] {
  const fields: [string, string | Blob][] = [];
  const n = Math.floor(rng() * 6);
  for (let i = 0; i < n; i++) {
    const name = pick(rng, FIELD_NAMES);
    fields.push([name, rng() < 0.15 ? fileGarbage(rng) : textGarbage(rng)]);
    if (rng() < 0.1) fields.push([name, textGarbage(rng)]);
  }
  return fields;
}

function form(entries: [string, string | Blob][]): FormData {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
}

/** A multipart body by hand, so a value can carry bytes that are not UTF-8. */
function rawMultipart(entries: [string, Uint8Array | string][]): { body: Blob; type: string } {
  const boundary = `----fuzz${Date.now().toString(16)}`;
  const parts: BlobPart[] = [];
  for (const [name, value] of entries) {
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`);
    parts.push(typeof value === 'string' ? value : new Uint8Array(value), '\r\n');
  }
  parts.push(`--${boundary}--\r\n`);
  return { body: new Blob(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Actions whose forms are bound to them directly (the account's sign-out button):
 * the page calls them with the form data alone. Every other action sits behind useActionState
 * and gets the previous state first.
 */
const STATELESS = new Set(['signOutAction']);

type Encoding = { fields: [string, string][]; bent: boolean; label: string };

/** The hidden inputs of a form bound to the action directly: `$ACTION_ID_…`. */
const directForm = (id: string): [string, string][] => [[`$ACTION_ID_${id}`, '']];

/** The hidden inputs of a useActionState form (the state bound), with `state` and `bound` as given. */
function stateForm(rng: Rng, id: string, state = '[{"ok":false}]', bound = '"$@1"'): [string, string][] {
  return [
    ['$ACTION_REF_1', ''],
    ['$ACTION_1:0', `{"id":"${id}","bound":${bound}}`],
    ['$ACTION_1:1', state],
    ['$ACTION_KEY', `k${randomHex(rng, 32)}`],
  ];
}

/**
 * The hidden inputs a server-rendered form for the action carries without JavaScript: mostly as
 * the page renders them; else in the other encoding (the action gets other arguments than its
 * page gives it), or with the bound state bent out of shape.
 */
function noScriptAction(rng: Rng, id: string, stateless: boolean): Encoding {
  const r = rng();
  if (r < 0.5) {
    return {
      fields: stateless ? directForm(id) : stateForm(rng, id),
      bent: false,
      label: 'no-JS form as the page posts it',
    };
  }
  if (r < 0.75) {
    return {
      fields: stateless ? stateForm(rng, id) : directForm(id),
      bent: false,
      label: 'no-JS form in the other encoding (other arguments)',
    };
  }
  const state = pick(rng, [
    '[',
    '{"a":',
    '["$K1"]',
    'null',
    `${'['.repeat(2000)}`,
    '["$@9"]',
    '[{"ok":false}]',
  ]);
  const bound = pick(rng, ['null', '"$K9"', '[1,2,3]', '"x"', '"$@1"']);
  return { fields: stateForm(rng, id, state, bound), bent: true, label: 'no-JS form, bent $ACTION_ fields' };
}

async function actionProbe(rng: Rng, target: Target, session: Session): Promise<Probe> {
  const path = fill(target.pattern, rng);
  const stateless = STATELESS.has(target.action.exportedName);
  const jar = cookies(rng, session, target.action.exportedName !== 'signOutAction');
  const base = { cause: target.cause, method: 'POST', path };
  const transport = pick(rng, ['form', 'form', 'hydrated', 'hydrated', 'raw', 'bytes'] as const);
  const headers = { ...jar.header, 'next-action': target.action.id, accept: 'text/x-component' };
  if (transport === 'form') {
    const action = noScriptAction(rng, target.action.id, stateless);
    const kind = `${action.label}, garbage fields`;
    return {
      ...base,
      kind,
      wellFormed: !action.bent,
      what: `${kind}, ${jar.what}`,
      headers: jar.header,
      body: form([...action.fields, ...garbageFields(rng)]),
    };
  }
  if (transport === 'hydrated') {
    const state = pick(rng, [{ ok: false }, null, 'x', 12, [[[[]]]], { ok: true, backupCodes: 'x' }]);
    const fields = form(garbageFields(rng));
    const shaped = rng() < 0.6;
    const args = shaped
      ? stateless
        ? [fields]
        : [state, fields]
      : pick(rng, [
          stateless ? [state, fields] : [fields],
          [],
          ['a', 'b', 'c'],
          [state, 'not a form'],
          Array.from({ length: 500 }, () => state),
        ]);
    const kind = shaped
      ? 'hydrated call as the page makes it, garbage fields'
      : 'hydrated call, other arguments';
    return {
      ...base,
      kind,
      wellFormed: true,
      what: `${kind}, ${jar.what}`,
      headers,
      body: await encodeActionArgs(args),
    };
  }
  if (transport === 'bytes') {
    // As the page encodes it, but values that are not UTF-8.
    const noScript = rng() < 0.5;
    const values: [string, Uint8Array][] = [
      ['email', pick(rng, BAD_UTF8)],
      ['password', pick(rng, BAD_UTF8)],
      ['token', pick(rng, BAD_UTF8)],
    ];
    const entries: [string, Uint8Array | string][] = noScript
      ? [...(stateless ? directForm(target.action.id) : stateForm(rng, target.action.id)), ...values]
      : [
          ...values.map(([name, value]): [string, Uint8Array] => [`1_${name}`, value]),
          ['0', stateless ? '["$K1"]' : '[{"ok":false},"$K1"]'],
        ];
    const { body, type } = rawMultipart(entries);
    const kind = `${noScript ? 'no-JS form' : 'hydrated call'} as the page posts it, values not UTF-8`;
    return {
      ...base,
      kind,
      wellFormed: true,
      what: `${kind}, ${jar.what}`,
      headers: noScript ? { ...jar.header, 'content-type': type } : { ...headers, 'content-type': type },
      body,
    };
  }
  const [type, body] = pick(rng, [
    ['text/plain;charset=UTF-8', 'not json'],
    ['text/plain;charset=UTF-8', '['],
    ['text/plain;charset=UTF-8', '["$K1"]'],
    ['text/plain;charset=UTF-8', '["$Q1","$W2","$B3","$n9"]'],
    ['text/plain;charset=UTF-8', '{"__proto__":{"polluted":1}}'],
    ['text/plain;charset=UTF-8', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['application/json', '{"email":"a@b.c"}'],
    ['application/x-www-form-urlencoded', 'email=a%40b.c&password=x'],
    ['multipart/form-data; boundary=abc', '--abc\r\nContent-Disposition: form-data; name="0"\r\n\r\n[1'],
    ['multipart/form-data', '--x\r\n\r\n'],
    ['application/octet-stream', ''],
  ] as const);
  return {
    ...base,
    kind: 'Next-Action with a body that is no action encoding',
    wellFormed: false,
    what: `raw ${type} body ${JSON.stringify(body.slice(0, 30))}, ${jar.what}`,
    headers: { ...headers, 'content-type': type },
    body,
  };
}

function bogusActionProbe(rng: Rng, session: Session): Probe {
  const route = pick(rng, ROUTES);
  const path = fill(route.pattern, rng);
  const id = pick(rng, [
    randomHex(rng, 42),
    randomHex(rng, 40),
    'abc',
    '$ACTION',
    'x'.repeat(2000),
    '0'.repeat(42),
  ]);
  const jar = cookies(rng, session, true);
  const base = { cause: 'bogus action id', method: 'POST', path };
  if (rng() < 0.5) {
    return {
      ...base,
      kind: 'Next-Action header naming no action',
      wellFormed: true,
      what: `Next-Action: ${id.slice(0, 20)}… to ${path.slice(0, 40)}`,
      headers: { ...jar.header, 'next-action': id, 'content-type': 'text/plain;charset=UTF-8' },
      body: '[{"ok":false}]',
    };
  }
  const action = noScriptAction(rng, id, false);
  return {
    ...base,
    kind: `no-JS form naming no action${action.bent ? ', bent $ACTION_ fields' : ''}`,
    wellFormed: !action.bent,
    what: `no-JS form naming ${id.slice(0, 20)}… at ${path.slice(0, 40)}`,
    headers: jar.header,
    body: form([...action.fields, ...garbageFields(rng)]),
  };
}

function decodes(path: string): boolean {
  try {
    decodeURI(path);
    return true;
  } catch {
    return false;
  }
}

function routeProbe(rng: Rng, session: Session): Probe {
  const route = pick(rng, ROUTES);
  const method = rng() < 0.2 ? pick(rng, METHODS) : 'GET';
  const jar = cookies(rng, session, true);
  const odd = rng() < 0.25 ? routerHeaderGarbage(rng) : {};
  const path = `${fill(route.pattern, rng)}${query(rng, route.query)}`;
  const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? textGarbage(rng) : undefined;
  const kind = `${jar.what}${Object.keys(odd).length ? `, odd ${Object.keys(odd).join('/')} header` : ''}`;
  return {
    cause: route.pattern,
    kind: `${method}, ${kind}`,
    wellFormed: true,
    what: `${method} ${path.slice(0, 80)}, ${jar.what}`,
    method,
    path,
    headers: { ...jar.header, ...odd },
    body,
  };
}

/**
 * A JSON body to an /api/v1 route: its own field names with garbage of every JSON type (and
 * now and then a body that is not JSON, or not an object), with a garbage bearer token or none.
 */
function apiProbe(rng: Rng): Probe {
  const path = fill(pick(rng, API_ROUTES), rng);
  const value = (): unknown =>
    pick(rng, [
      () => textGarbage(rng),
      () => Math.floor(rng() * 1e6),
      () => rng() < 0.5,
      () => null,
      () => [textGarbage(rng)],
      () => ({ nested: textGarbage(rng) }),
    ])();
  const fields: Record<string, unknown> = {};
  for (const name of API_FIELDS) if (rng() < 0.6) fields[name] = value();
  const body = pick(rng, [
    () => JSON.stringify(fields),
    () => JSON.stringify(fields),
    () => JSON.stringify([fields]),
    () => textGarbage(rng),
    () => '{"email":',
  ])();
  const bearer: Record<string, string> =
    rng() < 0.5
      ? { authorization: `${pick(rng, ['Bearer', 'bearer', 'Basic', 'Bearer  '])} ${tokenGarbage(rng)}` }
      : {};
  const method =
    rng() < 0.85 ? (path.endsWith('/me') || path.endsWith('/sessions') ? 'GET' : 'POST') : pick(rng, METHODS);
  return {
    cause: `${path.replace(/\/sessions\/.+$/, '/sessions/[id]')} (API)`,
    kind: `${method} JSON${bearer.authorization ? ', garbage bearer' : ''}`,
    wellFormed: true,
    what: `${method} ${path.slice(0, 60)} ${body.slice(0, 40)}`,
    method,
    path,
    headers: { 'content-type': 'application/json', ...bearer },
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  };
}

function hugeProbe(rng: Rng, targets: Target[]): Probe {
  const patterns = [...new Set(targets.map((t) => t.pattern))];
  const pattern = pick(rng, patterns);
  const target = pick(
    rng,
    targets.filter((t) => t.pattern === pattern),
  );
  return {
    cause: `3 MB body to ${pattern}`,
    kind: '3 MB no-JS form',
    wellFormed: true,
    what: `3 MB form for ${target.action.exportedName}`,
    method: 'POST',
    path: fill(pattern, rng),
    headers: {},
    body: form([
      ...(STATELESS.has(target.action.exportedName)
        ? directForm(target.action.id)
        : stateForm(rng, target.action.id)),
      ['password', 'x'.repeat(HUGE_BYTES)],
    ]),
  };
}

export async function probe(i: number, targets: Target[], session: Session): Promise<Probe> {
  const rng = seeded(SEED + i * 7919);
  const r = rng();
  const p =
    i % HUGE_EVERY === HUGE_EVERY - 1
      ? hugeProbe(rng, targets)
      : r < 0.6
        ? await actionProbe(rng, pick(rng, targets), session)
        : r < 0.68
          ? bogusActionProbe(rng, session)
          : r < 0.8
            ? apiProbe(rng)
            : routeProbe(rng, session);
  // A path that cannot be decoded fails before anything else looks at the request.
  return decodes(p.path) ? p : { ...p, kind: `${p.method}, a path that does not percent-decode` };
}
