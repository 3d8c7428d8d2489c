// What any visitor reaches without an account: routes that should not exist, the headers every
// page carries, bodies too large to read, and the passwords registration must refuse.
import { randomBytes } from 'node:crypto';
import { register, submitRegistration } from '../accounts';
import { actionFormFields, CookieJar, formData, SESSION_COOKIE } from '../forms';
import { alerts } from '../html';
import type { Attack } from './attack';

const AUTH_JS_ROUTES: [method: string, path: string][] = [
  ['GET', '/api/auth/session'],
  ['POST', '/api/auth/signout'],
  ['GET', '/api/auth/csrf'],
  ['GET', '/api/auth/providers'],
  ['POST', '/api/auth/callback/credentials'],
];

export const authJsRoutes: Attack = {
  name: 'Auth.js routes',
  async run({ baseUrl, addresses }) {
    // Signed in, so a mounted route would have a session to read, extend or end.
    const jar = new CookieJar(addresses.next());
    await register(baseUrl, jar);
    const answers = [];
    for (const [method, path] of AUTH_JS_ROUTES) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        redirect: 'manual',
        headers: { ...jar.headers(), origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
        body: method === 'POST' ? 'csrfToken=x&callbackUrl=%2F' : undefined,
      });
      await response.arrayBuffer();
      answers.push({ route: `${method} ${path}`, status: response.status });
    }
    return {
      held: answers.every((a) => a.status === 404),
      figures: `with a live session cookie: ${answers.map((a) => `${a.route} ${a.status}`).join(', ')}`,
    };
  },
};

function directive(policy: string, name: string): string | undefined {
  return policy
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.split(/\s+/)[0]?.toLowerCase() === name);
}

export const securityHeaders: Attack = {
  name: 'security headers',
  async run({ baseUrl }) {
    const pages = await Promise.all(
      [0, 1].map(async () => {
        const response = await fetch(`${baseUrl}/login`, { redirect: 'manual' });
        return { headers: response.headers, html: await response.text() };
      }),
    );
    const [first, second] = pages as [(typeof pages)[0], (typeof pages)[0]];
    const policy = (p: typeof first) => p.headers.get('content-security-policy') ?? '';
    const scriptSrc = (p: typeof first) => directive(policy(p), 'script-src') ?? '';
    const nonce = (p: typeof first) => /'nonce-([^']+)'/.exec(scriptSrc(p))?.[1];
    const [a, b] = [nonce(first), nonce(second)];
    const unsafeInline = scriptSrc(first).includes("'unsafe-inline'");
    const frame = first.headers.get('x-frame-options') ?? '';
    const sniff = first.headers.get('x-content-type-options') ?? '';
    const scripts = first.html.match(/<script\b[^>]*>/gi) ?? [];
    const carrying = a ? scripts.filter((tag) => tag.includes(`nonce="${a}"`)).length : 0;
    return {
      held:
        a !== undefined &&
        b !== undefined &&
        a !== b &&
        !unsafeInline &&
        /^(deny|sameorigin)$/i.test(frame) &&
        sniff.toLowerCase() === 'nosniff',
      figures:
        `GET /login twice: ${policy(first) ? `script-src "${scriptSrc(first) || '(none)'}"` : 'no Content-Security-Policy'}; ` +
        `nonce ${a && b ? (a === b ? 'the SAME in both' : 'new per request') : 'missing'}; ` +
        `'unsafe-inline' in script-src: ${unsafeInline ? 'YES' : 'no'}; ` +
        `<script> tags with the nonce: ${carrying} of ${scripts.length}; ` +
        `X-Frame-Options: ${frame || 'missing'}; X-Content-Type-Options: ${sniff || 'missing'}`,
    };
  },
};

const THREE_MB = 3 * 1024 * 1024;

/** A POST of `body` to `url` (a stream goes chunked, without Content-Length); its status or failure. */
async function post(url: string, body: BodyInit, headers: Record<string, string>): Promise<string> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { origin: new URL(url).origin, ...headers },
      redirect: 'manual',
      duplex: 'half',
    } as RequestInit);
    await response.arrayBuffer();
    return String(response.status);
  } catch (error) {
    return `no answer (${error instanceof Error ? (error.cause ?? error.message) : String(error)})`;
  }
}

export const oversizedBodies: Attack = {
  name: 'oversized bodies',
  async run({ baseUrl, addresses }) {
    const url = `${baseUrl}/login`;
    const from = { 'x-forwarded-for': addresses.next() };
    // The sign-in form itself, with a 3 MB password: what a browser sends (multipart, with length).
    const form = formData(await actionFormFields(url), {
      email: 'big@example.com',
      password: 'x'.repeat(THREE_MB),
    });
    const request = new Request(url, { method: 'POST', body: form });
    const type = request.headers.get('content-type') ?? '';
    const bytes = new Uint8Array(await request.arrayBuffer());
    let at = 0;
    const chunked = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.slice(at, at + 64 * 1024));
          at += 64 * 1024;
        },
      });
    const answers = {
      'action form, 3 MB with Content-Length': await post(url, bytes, { ...from, 'content-type': type }),
      'the same, chunked': await post(url, chunked(), { ...from, 'content-type': type }),
      'urlencoded 3 MB': await post(url, 'a'.repeat(THREE_MB), {
        ...from,
        'content-type': 'application/x-www-form-urlencoded',
      }),
    };
    const after = await fetch(url, { redirect: 'manual' });
    await after.arrayBuffer();
    return {
      held: Object.values(answers).every((status) => status === '413') && after.status === 200,
      figures: `POST /login: ${Object.entries(answers)
        .map(([what, status]) => `${what} → ${status}`)
        .join('; ')}; GET /login afterwards → ${after.status}`,
    };
  },
};

export const weakPasswords: Attack = {
  name: 'weak passwords',
  async run({ baseUrl, addresses }) {
    const candidates = [
      '123456789012',
      'aaaaaaaaaaaa',
      'password1234',
      'qwertyuiop12',
      `MyLatchkey${randomBytes(6).toString('base64url')}`,
    ];
    const answers = [];
    for (const password of candidates) {
      const jar = new CookieJar(addresses.next());
      const email = `weak-${randomBytes(6).toString('hex')}@example.com`;
      const result = await submitRegistration(baseUrl, { email, password }, jar);
      const accepted = result.status === 303 && jar.get(SESSION_COOKIE) !== undefined;
      answers.push({
        password,
        accepted,
        said: alerts(result.body)[0] ?? `status ${result.status}, no message`,
      });
    }
    const accepted = answers.filter((a) => a.accepted);
    return {
      held: accepted.length === 0,
      figures:
        `${answers.length - accepted.length} of ${answers.length} refused at registration` +
        (accepted.length ? `; ACCEPTED: ${accepted.map((a) => a.password).join(', ')}` : '') +
        `; refusals: ${
          answers
            .filter((a) => !a.accepted)
            .map((a) => `${a.password} ("${a.said}")`)
            .join(', ') || 'none'
        }`,
    };
  },
};
