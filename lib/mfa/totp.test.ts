import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { normalizeTotpCode } from './code-shapes';
import {
  base32Encode,
  checkTotp,
  currentTimeStep,
  generateTotp,
  generateTotpSecret,
  totpUri,
  verifyTotp,
} from './totp';

vi.hoisted(() => {
  process.env.APP_NAME = 'Latchkey QA';
});

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const RFC_SEED = Buffer.from('12345678901234567890', 'ascii');
const RFC_SEED_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [seconds: number, totp8: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

/** A fixed secret, so codes of neighbouring steps are known to differ (no rare collision flake). */
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const STEP = 56_666_666; // 2023-11-14, an arbitrary step
const stepStart = (step: number) => step * 30_000;

/**
 * A new random secret whose codes differ at each step of `steps` and at the steps either side: a
 * code matches the latest step of the window it is valid for, and one random secret in a million
 * shares a code between two neighbouring steps.
 */
async function secretWithDistinctNeighbours(steps: number[]): Promise<string> {
  for (;;) {
    const secret = generateTotpSecret();
    const distinct = await Promise.all(
      steps.map(async (step) => {
        const codes = await Promise.all([-1, 0, 1].map((d) => generateTotp(secret, stepStart(step + d))));
        return new Set(codes).size === 3;
      }),
    );
    if (distinct.every(Boolean)) return secret;
  }
}

function base32Decode(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => Number.parseInt(b, 2)));
}

describe('RFC 6238 Appendix B test vectors (SHA-1)', () => {
  it('the seed in base32 is the RFC 4648 encoding of the ASCII seed', () => {
    expect(base32Encode(RFC_SEED)).toBe(RFC_SEED_BASE32);
  });

  it.each(RFC_VECTORS)('at %i s: the 8-digit code %s, through checkTotp', async (seconds, totp8) => {
    const step = Math.floor(seconds / 30);
    await expect(checkTotp({ secret: RFC_SEED, token: totp8, epoch: seconds, digits: 8 })).resolves.toEqual({
      valid: true,
      timeStep: step,
    });
    const wrong = `${totp8.slice(0, 7)}${(Number(totp8[7]) + 1) % 10}`;
    await expect(checkTotp({ secret: RFC_SEED, token: wrong, epoch: seconds, digits: 8 })).resolves.toEqual({
      valid: false,
    });
  });

  it.each(RFC_VECTORS)(
    'at %i s: the last 6 digits of %s, through verifyTotp and generateTotp',
    async (seconds, totp8) => {
      const code = totp8.slice(-6);
      expect(await generateTotp(RFC_SEED_BASE32, seconds * 1000)).toBe(code);
      expect(await verifyTotp({ secret: RFC_SEED_BASE32, code, now: seconds * 1000 })).toEqual({
        valid: true,
        timeStep: Math.floor(seconds / 30),
      });
    },
  );
});

describe('verifyTotp: the ±1 step window (RFC 6238 §5.2)', () => {
  it('codes for five neighbouring steps differ (so the cases below test the window, not a collision)', async () => {
    const codes = await Promise.all([-2, -1, 0, 1, 2].map((d) => generateTotp(SECRET, stepStart(STEP + d))));
    expect(new Set(codes).size).toBe(5);
  });

  // The first and the last millisecond of the step: the window must not shift inside a step.
  it.each([
    ['first', stepStart(STEP)],
    ['last', stepStart(STEP) + 29_999],
  ])('at the %s millisecond of a step, accepts steps -1, 0, +1 and refuses -2, +2', async (_, now) => {
    expect(currentTimeStep(now)).toBe(STEP);
    for (const delta of [-2, -1, 0, 1, 2]) {
      const code = await generateTotp(SECRET, stepStart(STEP + delta));
      const result = await verifyTotp({ secret: SECRET, code, now });
      expect(result, `step ${delta}`).toEqual(
        Math.abs(delta) <= 1 ? { valid: true, timeStep: STEP + delta } : { valid: false },
      );
    }
  });

  it('one millisecond later, the window has moved by a whole step', async () => {
    const now = stepStart(STEP + 1);
    expect(currentTimeStep(now)).toBe(STEP + 1);
    const oldest = await generateTotp(SECRET, stepStart(STEP - 1));
    expect(await verifyTotp({ secret: SECRET, code: oldest, now: now - 1 })).toMatchObject({ valid: true });
    expect(await verifyTotp({ secret: SECRET, code: oldest, now })).toEqual({ valid: false });
  });

  it('defaults to the current time', async () => {
    const code = await generateTotp(SECRET);
    expect(await verifyTotp({ secret: SECRET, code })).toMatchObject({ valid: true });
  });
});

describe('verifyTotp: afterTimeStep (replay pre-check)', () => {
  const now = stepStart(STEP) + 12_000;
  const codeAt = (delta: number) => generateTotp(SECRET, stepStart(STEP + delta));

  it('refuses the step already used and earlier ones, even inside the window', async () => {
    const code = await codeAt(0);
    expect(await verifyTotp({ secret: SECRET, code, now })).toEqual({ valid: true, timeStep: STEP });
    expect(await verifyTotp({ secret: SECRET, code, now, afterTimeStep: STEP })).toEqual({ valid: false });
    expect(
      await verifyTotp({ secret: SECRET, code: await codeAt(-1), now, afterTimeStep: STEP - 1 }),
    ).toEqual({
      valid: false,
    });
  });

  it('accepts a later step in the window', async () => {
    expect(await verifyTotp({ secret: SECRET, code: await codeAt(0), now, afterTimeStep: STEP - 1 })).toEqual(
      {
        valid: true,
        timeStep: STEP,
      },
    );
    expect(await verifyTotp({ secret: SECRET, code: await codeAt(1), now, afterTimeStep: STEP })).toEqual({
      valid: true,
      timeStep: STEP + 1,
    });
  });

  it('treats null and negative bounds as "never used"', async () => {
    const code = await codeAt(0);
    expect(await verifyTotp({ secret: SECRET, code, now, afterTimeStep: null })).toMatchObject({
      valid: true,
    });
    expect(await verifyTotp({ secret: SECRET, code, now, afterTimeStep: -1 })).toMatchObject({ valid: true });
  });

  it('a code two steps of the window share counts for the later one, so it works once', async () => {
    // For SECRET, steps 56 668 234 and 56 668 235 both show 065554 (found by search: about one
    // pair of neighbouring steps in a million shares a code).
    const [first, second] = [56_668_234, 56_668_235];
    const shared = await generateTotp(SECRET, stepStart(first));
    expect(await generateTotp(SECRET, stepStart(second))).toBe(shared);
    const at = stepStart(second) + 12_000;
    expect(await verifyTotp({ secret: SECRET, code: shared, now: at })).toEqual({
      valid: true,
      timeStep: second,
    });
    expect(await verifyTotp({ secret: SECRET, code: shared, now: at, afterTimeStep: second })).toEqual({
      valid: false,
    });
    // Typed during the earlier step, it still counts for the later one (next in the window).
    expect(await verifyTotp({ secret: SECRET, code: shared, now: stepStart(first) })).toEqual({
      valid: true,
      timeStep: second,
    });
  });

  it('refuses everything, without throwing, when the bound lies beyond the window', async () => {
    for (const afterTimeStep of [STEP + 1, STEP + 2, STEP + 1000]) {
      expect(await verifyTotp({ secret: SECRET, code: await codeAt(1), now, afterTimeStep })).toEqual({
        valid: false,
      });
    }
  });
});

describe('normalizeTotpCode and malformed codes', () => {
  it.each([
    ['123456', '123456'],
    [' 123 456 ', '123456'],
    ['123-456', '123456'],
    ['12\t34\n56', '123456'],
    ['000000', '000000'],
  ])('normalizes %j to %s', (input, expected) => {
    expect(normalizeTotpCode(input)).toBe(expected);
  });

  it.each([
    '',
    '12345',
    '1234567',
    '12345a',
    '123.456',
    '+123456',
    '１２３４５６', // full-width digits
    '١٢٣٤٥٦', // Arabic-Indic digits
    '1'.repeat(1000),
  ])('refuses %j', (input) => {
    expect(normalizeTotpCode(input)).toBeNull();
  });

  it('verifyTotp accepts a correct code typed with separators', async () => {
    const now = stepStart(STEP);
    const code = await generateTotp(SECRET, now);
    expect(await verifyTotp({ secret: SECRET, code: `${code.slice(0, 3)} ${code.slice(3)}`, now })).toEqual({
      valid: true,
      timeStep: STEP,
    });
  });

  it.each(['', '12345', 'abcdef', '12345678', '１２３４５６'])(
    'verifyTotp returns valid:false for %j',
    async (code) => {
      await expect(verifyTotp({ secret: SECRET, code, now: stepStart(STEP) })).resolves.toEqual({
        valid: false,
      });
    },
  );

  it('verifyTotp refuses a wrong code of the right shape', async () => {
    const now = stepStart(STEP);
    const code = await generateTotp(SECRET, now);
    const wrong = `${code.slice(0, 5)}${(Number(code[5]) + 1) % 10}`;
    expect(await verifyTotp({ secret: SECRET, code: wrong, now })).toEqual({ valid: false });
  });

  it('throws for a corrupt or too-short stored secret: a server fault, not a wrong code', async () => {
    const code = '123456';
    await expect(verifyTotp({ secret: 'not base32!', code })).rejects.toThrow();
    // 80 bits: otplib's guardrail (RFC 4226's 128-bit minimum) refuses it.
    await expect(verifyTotp({ secret: 'JBSWY3DPEHPK3PXP', code })).rejects.toThrow();
  });
});

describe('generateTotpSecret', () => {
  it('is 32 base32 characters (no padding) encoding 160 bits', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(base32Encode(base32Decode(secret))).toBe(secret);
  });

  it('is random: distinct secrets, every base32 symbol in use', () => {
    const secrets = Array.from({ length: 200 }, generateTotpSecret);
    expect(new Set(secrets).size).toBe(200);
    expect(new Set(secrets.join('')).size).toBe(32);
  });

  it('verifies codes generated from it', async () => {
    const secret = await secretWithDistinctNeighbours([STEP]);
    const now = stepStart(STEP);
    expect(await verifyTotp({ secret, code: await generateTotp(secret, now), now })).toEqual({
      valid: true,
      timeStep: STEP,
    });
  });

  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('base32Encode matches RFC 4648 §10 for %j (padding dropped)', (input, expected) => {
    expect(base32Encode(Buffer.from(input))).toBe(expected);
  });
});

describe('totpUri', () => {
  it('has exactly the contract form, with a + in the email and a space in the issuer', () => {
    expect(totpUri({ secret: SECRET, email: 'alice+mfa@example.com', issuer: 'Acme Corp' })).toBe(
      `otpauth://totp/Acme%20Corp:alice%2Bmfa%40example.com?secret=${SECRET}&issuer=Acme%20Corp&algorithm=SHA1&digits=6&period=30`,
    );
  });

  it('defaults the issuer to APP_NAME', () => {
    expect(totpUri({ secret: SECRET, email: 'bob@example.com' })).toBe(
      `otpauth://totp/Latchkey%20QA:bob%40example.com?secret=${SECRET}&issuer=Latchkey%20QA&algorithm=SHA1&digits=6&period=30`,
    );
  });

  it('round-trips awkward issuers and emails through a URI parser', () => {
    const issuer = 'A&B: Co+1 %';
    const email = "o'hara+x&y=z@example.com";
    const url = new URL(totpUri({ secret: SECRET, email, issuer }));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe(`/${issuer}:${email}`);
    expect(url.pathname.split(':')).toHaveLength(2); // the only literal colon separates issuer and account
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret: SECRET,
      issuer,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});

// oathtool (OATH Toolkit) is an independent C implementation; where it is not installed (a bare CI
// image), the RFC vectors above still cover correctness, so skip rather than fail.
describe.skipIf(!existsSync('/usr/bin/oathtool'))('interoperability with oathtool', () => {
  const oathtool = (secret: string, seconds: number) =>
    execFileSync('/usr/bin/oathtool', ['--totp', '-b', secret, '--now', `@${seconds}`], {
      encoding: 'utf8',
    }).trim();

  it('computes the same codes for a generated secret, and verifyTotp accepts them', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const times = [nowSeconds, 59, 1111111109, 2000000000, nowSeconds + 86_400];
    const secret = await secretWithDistinctNeighbours(times.map((t) => Math.floor(t / 30)));
    for (const seconds of times) {
      const code = oathtool(secret, seconds);
      expect(code).toMatch(/^[0-9]{6}$/);
      expect(await generateTotp(secret, seconds * 1000)).toBe(code);
      expect(await verifyTotp({ secret, code, now: seconds * 1000 })).toEqual({
        valid: true,
        timeStep: Math.floor(seconds / 30),
      });
    }
  });
});
