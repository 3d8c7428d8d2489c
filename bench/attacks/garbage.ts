// The malformed input of `npm run attack`: field values, tokens, cookies and headers no form
// sends, drawn from a seeded generator so that every run sends the same kinds in the same mix.

/** mulberry32: small, seeded, good enough to pick garbage. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

const hex = (rng: Rng, n: number) =>
  Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
const b64 = (rng: Rng, n: number) =>
  Array.from(
    { length: n },
    () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[Math.floor(rng() * 64)],
  ).join('');

/** Every field name a form of the app posts, and a few it never does. */
export const FIELD_NAMES = [
  'email',
  'password',
  'confirmPassword',
  'remember',
  'callbackUrl',
  'code',
  'backupCode',
  'currentPassword',
  'newPassword',
  'newEmail',
  'token',
  'sessionId',
  '__proto__',
  'constructor',
  '',
] as const;

/** A field value (text) no form sends: empty, oversized, control characters, odd Unicode, markup. */
export function textGarbage(rng: Rng): string {
  return pick(rng, [
    () => '',
    () => ' \t\r\n ',
    () => 'a'.repeat(10_000),
    () => 'x'.repeat(100_000),
    () => 'a\u0000b',
    () => '\u0000'.repeat(64),
    () => '\uD800', // lone surrogate: FormData sends U+FFFD
    () => '\u202Eevil\u202C\u200B\uFEFF',
    () => 'e\u0301'.repeat(2000),
    () => '😀'.repeat(600),
    () => '\uFDFA'.repeat(600), // one character, 18 after NFKC
    () => 'ｐａｓｓｗｏｒｄ１２３４５６',
    () => "' OR 1=1 --",
    () => '<script>alert(1)</script>',
    () => '$' + '{7*7}{{7*7}}', // template injection, spelt so no linter takes it for a slip
    () => '../../../../etc/passwd',
    () => 'javascript:alert(1)',
    () => '//evil.example/x',
    () => '/\\evil.example',
    () => 'https://evil.example/',
    () => '$@0',
    () => '$K1',
    () => '["$Q1"]',
    () => '{"__proto__":{"admin":true}}',
    () => 'NaN',
    () => '1e309',
    () => 'a@b',
    () => '@',
    () => `${'x'.repeat(300)}@example.com`,
    () => 'ä@ü.example',
    () => '"a b"@example.com',
    () => `fuzz-${hex(rng, 8)}@example.com`,
    () => `${b64(rng, 20)}-Lk7!`,
    () => '123456',
    () => '12345',
    () => '０１２３４５',
    () => 'ABCDE-12345',
    () => 'ABCDE\u201312345',
    () => hex(rng, 64),
    () => b64(rng, 43),
    () => 'on',
    () => 'true',
  ])();
}

/** A field value of the wrong type: a file where text belongs. */
export function fileGarbage(rng: Rng): Blob {
  return pick(rng, [
    () => new Blob(['x']),
    () => new File([new Uint8Array(4096)], 'zeros.bin', { type: 'application/octet-stream' }),
    () => new File(['<svg onload=alert(1)>'], '../../evil.svg', { type: 'image/svg+xml' }),
  ])();
}

/** Bytes that are not UTF-8 (a field value only a hand-made body can carry). */
export const BAD_UTF8: readonly Uint8Array[] = [
  Uint8Array.of(0xc3, 0x28),
  Uint8Array.of(0xff, 0xfe, 0xfd),
  Uint8Array.of(0xed, 0xa0, 0x80), // an encoded surrogate
  Uint8Array.of(0xf4, 0x90, 0x80, 0x80), // past U+10FFFF
  Uint8Array.of(0xc0, 0xaf), // overlong "/"
];

/** A path segment where a token goes: wrong length, wrong alphabet, bad percent-encoding. */
export function tokenGarbage(rng: Rng): string {
  return pick(rng, [
    () => 'a',
    () => 'x'.repeat(300),
    () => 'x'.repeat(5000),
    () => b64(rng, 43),
    () => hex(rng, 64),
    () => '%00',
    () => '%E0%A4%A',
    () => '%C3%28',
    () => '%FF',
    () => '%',
    () => '%%41',
    () => '..%2F..%2Fetc%2Fpasswd',
    () => '%F0%9F%98%80',
    () => '%3Cscript%3E',
    () => '%EF%BF%BF',
    () => 'a%20b',
    () => '%u0041',
    () => 'CON',
  ])();
}

/** A query-string value: open redirects, oversized, badly encoded. */
export function queryGarbage(rng: Rng): string {
  return pick(rng, [
    () => encodeURIComponent('//evil.example'),
    () => encodeURIComponent('https://evil.example/'),
    () => encodeURIComponent('/\\evil.example'),
    () => encodeURIComponent('javascript:alert(1)'),
    () => 'x'.repeat(3000),
    () => '%',
    () => '%E0%A4%A',
    () => '%00',
    () => encodeURIComponent('/dashboard\r\nSet-Cookie: a=b'),
    () => '',
    () => '[]',
    () => tokenGarbage(rng),
  ])();
}

/** A Cookie header for a browser the app never made (`valid`: a live session, for mixing in). */
export function cookieGarbage(rng: Rng, valid: string): string {
  return pick(rng, [
    () => `latchkey.session=${b64(rng, 200)}`,
    () => 'latchkey.session=a.b.c.d.e',
    () => `latchkey.session=${'A'.repeat(8000)}`,
    () =>
      `latchkey.session=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..${b64(rng, 22)}.${b64(rng, 40)}.${b64(rng, 43)}`,
    () => `latchkey.session=x; ${valid}`,
    () => `latchkey.mfa=${b64(rng, 43)}`,
    () => `latchkey.mfa=${'%'.repeat(100)}`,
    () => `latchkey.device.${hex(rng, 16)}=${b64(rng, 22)}.${b64(rng, 43)}`,
    () => `latchkey.device.${hex(rng, 16)}=..........`,
    () => '%%%%; =; ;;; a',
    () => `__Host-latchkey.session=${b64(rng, 100)}`,
    () => Array.from({ length: 200 }, (_, i) => `c${i}=${i}`).join('; '),
  ])();
}

/** Next.js routing headers with values a router never sends. */
export function routerHeaderGarbage(rng: Rng): Record<string, string> {
  return pick(rng, [
    () => ({ rsc: '1' }),
    () => ({ rsc: '1', 'next-router-state-tree': '%7B%22a%22' }),
    () => ({
      rsc: '1',
      'next-router-state-tree': encodeURIComponent('["",{"children":["x",{}]},null,null,true]'),
    }),
    () => ({ rsc: '1', 'next-router-prefetch': '1', 'next-router-segment-prefetch': '/../../x' }),
    () => ({ 'next-url': '/%E0%A4%A' }),
    () => ({ accept: 'text/x-component' }),
    () => ({ 'x-forwarded-for': 'not-an-ip' }),
    () => ({ 'x-forwarded-for': `${'1.2.3.4, '.repeat(500)}5.6.7.8` }),
    () => ({ 'x-forwarded-for': 'fe80::1%eth0' }),
    () => ({ range: 'bytes=0-1,5-2' }),
    () => ({ 'content-type': 'multipart/form-data' }),
  ])();
}

export const randomHex = hex;
