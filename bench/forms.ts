// Submitting the app's forms over plain HTTP, as a browser does before hydration: the server
// HTML of a form bound to a server action carries hidden `$ACTION_…` inputs naming the action;
// posting them back with the fields as multipart/form-data runs the action, and a successful
// sign-in or registration answers 303 with the session cookie. Forms that only work after
// hydration are driven the way the hydrated page does it: callServerAction.
import { createRequire } from 'node:module';
import { alerts, decodeEntities } from './html';

export const SESSION_COOKIE = 'latchkey.session';

/**
 * A browser's cookies, kept across requests as a browser keeps them (one origin, names only), and
 * optionally where the browser is: `from`, a client address sent as X-Forwarded-For, which the
 * bench server (trusting one proxy hop) takes as the client's IP.
 */
export class CookieJar {
  private readonly values = new Map<string, string>();

  constructor(readonly from?: string) {}

  /** Take every Set-Cookie of `response`; an emptied or expired cookie is dropped. */
  update(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', v = ''] = a.split('=', 2).map((x) => x.trim());
        if (/^max-age$/i.test(key)) return Number(v) <= 0;
        if (/^expires$/i.test(key)) return Date.parse(v) <= Date.now();
        return false;
      });
      if (!value || expired) this.values.delete(name);
      else this.values.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  set(name: string, value: string): void {
    this.values.set(name, value);
  }

  delete(name: string): void {
    this.values.delete(name);
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  header(): string {
    return [...this.values].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Request headers carrying the jar (no cookie header when it is empty) and its client address. */
  headers(): Record<string, string> {
    return {
      ...(this.values.size ? { cookie: this.header() } : {}),
      ...(this.from ? { 'x-forwarded-for': this.from } : {}),
    };
  }
}

function attribute(tag: string, name: string): string | undefined {
  const match = tag.match(new RegExp(`\\s${name}="([^"]*)"`, 'i'));
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
}

/**
 * The hidden inputs of the page's server-action form, in document order: the first such form, or
 * the first with an input named `options.input`. With `options.jar`, its cookies are sent and
 * the answer's Set-Cookie kept.
 */
export async function actionFormFields(
  url: string,
  options: { jar?: CookieJar; input?: string } = {},
): Promise<[string, string][]> {
  const response = await fetch(url, { redirect: 'manual', headers: options.jar?.headers() });
  options.jar?.update(response);
  const html = await response.text();
  if (response.status !== 200) {
    const location = response.headers.get('location');
    throw new Error(
      `GET ${url} answered ${response.status}${location ? ` to ${location}` : ''}, expected 200`,
    );
  }
  return formFields(html, options.input, `GET ${url}`);
}

/**
 * The hidden inputs of the page's first server-action form, or of the first with an input named
 * `input`, in document order; `where` names the page in the error.
 */
export function formFields(html: string, input?: string, where = 'the page'): [string, string][] {
  const forms = html.match(/<form\b[\s\S]*?<\/form>/gi) ?? [];
  for (const form of forms) {
    if (input && ![...form.matchAll(/<input\b[^>]*>/gi)].some(([tag]) => attribute(tag, 'name') === input))
      continue;
    const fields: [string, string][] = [];
    for (const [tag] of form.matchAll(/<input\b[^>]*>/gi)) {
      if (attribute(tag, 'type')?.toLowerCase() !== 'hidden') continue;
      const name = attribute(tag, 'name');
      if (name) fields.push([name, attribute(tag, 'value') ?? '']);
    }
    if (fields.some(([name]) => name.startsWith('$ACTION_'))) return fields;
  }
  throw new Error(
    `${where}: no form with $ACTION_ hidden inputs${input ? ` and an input named ${input}` : ''} (not a server-action form?)`,
  );
}

/** The form's hidden inputs plus `values` (which replace hidden inputs of the same name). */
export function formData(hidden: [string, string][], values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of hidden) if (!(name in values)) data.append(name, value);
  for (const [name, value] of Object.entries(values)) data.append(name, value);
  return data;
}

export type ActionResult = { status: number; location: string | null; sessionCookie: string | null };

/**
 * POST a server-action form to `url` and read the answer in full (no redirect followed). With
 * `jar`, its cookies are sent and the answer's Set-Cookie kept; `headers` are sent as well.
 */
export async function submitAction(
  url: string,
  data: FormData,
  jar?: CookieJar,
  headers: Record<string, string> = {},
): Promise<ActionResult & { body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    body: data,
    redirect: 'manual',
    headers: { ...headers, origin: new URL(url).origin, ...jar?.headers() },
  });
  jar?.update(response);
  const body = await response.text();
  return {
    status: response.status,
    location: response.headers.get('location'),
    sessionCookie: sessionCookieIn(response),
    body,
  };
}

/** The non-empty session cookie an answer sets (`name=value`), or null. */
export function sessionCookieIn(response: Response): string | null {
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0] ?? '')
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`) && c.length > SESSION_COOKIE.length + 1);
  return session ?? null;
}

/** Fails with what the page said (its alert or field errors) unless the action signed in. */
export function expectSignedIn(
  what: string,
  result: ActionResult & { body: string },
  location: string,
): string {
  if (result.status === 303 && result.location === location && result.sessionCookie)
    return result.sessionCookie;
  const said = alerts(result.body);
  throw new Error(
    `${what}: expected 303 to ${location} with a ${SESSION_COOKIE} cookie, got ${result.status}` +
      `${result.location ? ` to ${result.location}` : ''}${result.sessionCookie ? '' : ', no session cookie'}` +
      `${said.length ? `; the page says: ${said.join(' | ')}` : ''}`,
  );
}

// React's own encoder for server-action arguments, the one the hydrated page uses (Next.js ships
// it; the turbopack and webpack builds encode replies alike).
const { encodeReply } = createRequire(__filename)(
  'next/dist/compiled/react-server-dom-turbopack/client.node',
) as { encodeReply: (value: unknown) => Promise<string | FormData> };

/** Server-action arguments as the hydrated page sends them (React's encodeReply). */
export function encodeActionArgs(args: unknown[]): Promise<string | FormData> {
  return encodeReply(args);
}

/**
 * POST `body` to the page at `url` as a call of server action `actionId` (the `Next-Action`
 * header the hydrated page sends), with the jar's cookies and client address; the raw answer.
 */
export function postServerAction(
  url: string,
  actionId: string,
  body: BodyInit,
  jar?: CookieJar,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body,
    redirect: 'manual',
    headers: {
      accept: 'text/x-component',
      'next-action': actionId,
      origin: new URL(url).origin,
      ...headers,
      ...jar?.headers(),
    },
  });
}

/**
 * Call a server action as the hydrated page does (what a form whose action is a client function
 * needs: it has no `$ACTION_` inputs): POST to the page with `Next-Action: id` and the arguments
 * encoded by React; the answer is the RSC payload, whose root row names the action's result.
 * Returns that result as JSON, references (`"$2"`, …) left as they are.
 */
export async function callServerAction(
  url: string,
  actionId: string,
  args: unknown[],
  jar: CookieJar,
): Promise<{ status: number; result: unknown }> {
  const response = await postServerAction(url, actionId, await encodeReply(args), jar);
  jar.update(response);
  const body = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !type.startsWith('text/x-component')) {
    throw new Error(
      `server action ${actionId} at ${url} answered ${response.status} (${type || 'no content type'}), expected 200 text/x-component`,
    );
  }
  const rows = flightRows(body);
  const root = JSON.parse(rows.get('0') ?? 'null') as { a?: unknown } | null;
  const ref = typeof root?.a === 'string' ? /^\$@([0-9a-f]+)$/.exec(root.a)?.[1] : undefined;
  const row = ref === undefined ? undefined : rows.get(ref);
  if (row === undefined) throw new Error(`server action ${actionId}: no result in the answer`);
  if (row.startsWith('E')) throw new Error(`server action ${actionId} threw: ${row.slice(1)}`);
  return { status: response.status, result: JSON.parse(row) };
}

/**
 * The rows of an RSC payload by id: `id:T<hex byte length>,<text>` or `id:<one line>`. Enough
 * for an action's answer (JSON, text and module rows); binary rows are not expected there.
 */
function flightRows(body: Buffer): Map<string, string> {
  const rows = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const colon = body.indexOf(0x3a, at);
    // Hint rows (`:HL[…]`) have no id.
    const id = colon < 0 ? '-' : body.toString('latin1', at, colon);
    if (!/^[0-9a-f]*$/.test(id)) throw new Error(`unexpected RSC payload at byte ${at}`);
    const comma = body.indexOf(0x2c, colon);
    const text =
      body[colon + 1] === 0x54 /* T */ ? /^[0-9a-f]+$/.exec(body.toString('latin1', colon + 2, comma)) : null;
    if (text) {
      const end = comma + 1 + Number.parseInt(text[0], 16);
      rows.set(id, body.toString('utf8', comma + 1, end));
      at = end;
    } else {
      const newline = body.indexOf(0x0a, colon);
      const end = newline < 0 ? body.length : newline;
      rows.set(id, body.toString('utf8', colon + 1, end));
      at = end + 1;
    }
  }
  return rows;
}
