// Submitting the app's forms over plain HTTP, as a browser does before hydration: the server
// HTML of a form bound to a server action carries hidden `$ACTION_…` inputs naming the action;
// posting them back with the fields as multipart/form-data runs the action, and a successful
// sign-in or registration answers 303 with the session cookie.

export const SESSION_COOKIE = 'latchkey.session';

const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === '#') {
      const n =
        code[1] === 'x' || code[1] === 'X' ? Number.parseInt(code.slice(2), 16) : Number(code.slice(1));
      return Number.isFinite(n) ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = tag.match(new RegExp(`\\s${name}="([^"]*)"`, 'i'));
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
}

/** The hidden inputs of the page's server-action form, in document order. */
export async function actionFormFields(url: string): Promise<[string, string][]> {
  const response = await fetch(url, { redirect: 'manual' });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}, expected 200`);
  const forms = html.match(/<form\b[\s\S]*?<\/form>/gi) ?? [];
  for (const form of forms) {
    const fields: [string, string][] = [];
    for (const [tag] of form.matchAll(/<input\b[^>]*>/gi)) {
      if (attribute(tag, 'type')?.toLowerCase() !== 'hidden') continue;
      const name = attribute(tag, 'name');
      if (name) fields.push([name, attribute(tag, 'value') ?? '']);
    }
    if (fields.some(([name]) => name.startsWith('$ACTION_'))) return fields;
  }
  throw new Error(`GET ${url}: no form with $ACTION_ hidden inputs (not a server-action form?)`);
}

/** The form's hidden inputs plus `values` (which replace hidden inputs of the same name). */
export function formData(hidden: [string, string][], values: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of hidden) if (!(name in values)) data.append(name, value);
  for (const [name, value] of Object.entries(values)) data.append(name, value);
  return data;
}

export type ActionResult = { status: number; location: string | null; sessionCookie: string | null };

/** POST a server-action form to `url` and read the answer in full (no redirect followed). */
export async function submitAction(url: string, data: FormData): Promise<ActionResult & { body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    body: data,
    redirect: 'manual',
    headers: { origin: new URL(url).origin },
  });
  const body = await response.text();
  const session = response.headers
    .getSetCookie()
    .map((c) => c.split(';', 1)[0] ?? '')
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`) && c.length > SESSION_COOKIE.length + 1);
  return {
    status: response.status,
    location: response.headers.get('location'),
    sessionCookie: session ?? null,
    body,
  };
}

/** Fails with what the page said (its alert or field errors) unless the action signed in. */
export function expectSignedIn(
  what: string,
  result: ActionResult & { body: string },
  location: string,
): string {
  if (result.status === 303 && result.location === location && result.sessionCookie)
    return result.sessionCookie;
  const alerts = [...result.body.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:div|p|span)>/g)]
    .map((m) => decodeEntities((m[1] ?? '').replace(/<[^>]*>/g, '')).trim())
    .filter(Boolean);
  throw new Error(
    `${what}: expected 303 to ${location} with a ${SESSION_COOKIE} cookie, got ${result.status}` +
      `${result.location ? ` to ${result.location}` : ''}${result.sessionCookie ? '' : ', no session cookie'}` +
      `${alerts.length ? `; the page says: ${alerts.join(' | ')}` : ''}`,
  );
}
