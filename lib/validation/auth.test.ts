import { describe, expect, it } from 'vitest';
import { messages } from '@/lib/messages';
import { loginSchema, registerSchema } from './auth';
import { codePointLength, emailField, newPasswordField, normalizePassword } from './fields';

const GOOD = 'correct horse battery staple';

/** The messages zod reported, by field: what a form would show next to each input. */
function fieldErrors(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  const out: Record<string, string[]> = {};
  for (const issue of result.error?.issues ?? []) {
    const key = issue.path.map(String).join('.') || '(form)';
    out[key] = [...(out[key] ?? []), issue.message];
  }
  return out;
}

function register(input: unknown) {
  return registerSchema.safeParse(input);
}

describe('emailField', () => {
  it('trims and lower-cases, so one mailbox is one account', () => {
    expect(emailField.parse('  Alice.Smith@Example.COM \n')).toBe('alice.smith@example.com');
  });

  it.each([
    ['empty', '', messages.emailRequired],
    ['only spaces', '   ', messages.emailRequired],
    ['no @', 'alice.example.com', messages.emailInvalid],
    ['no domain', 'alice@', messages.emailInvalid],
    ['zero-width space inside', 'ali\u200bce@example.com', messages.emailInvalid],
    ['trailing zero-width space', 'alice@example.com\u200b', messages.emailInvalid],
    ['right-to-left mark', '\u200falice@example.com', messages.emailInvalid],
    ['right-to-left override', 'alice@exa\u202emple.com', messages.emailInvalid],
    ['lone surrogate', 'ali\ud800ce@example.com', messages.emailInvalid],
    ['over 254 characters', `${'a'.repeat(250)}@example.com`, messages.emailInvalid],
  ])('refuses %s with an email message', (_label, value, message) => {
    const result = emailField.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });
});

describe('newPasswordField', () => {
  it('normalises with NFKC before counting and returns the normalised form', () => {
    // U+FF41 FULLWIDTH LATIN SMALL LETTER A becomes "a"; U+212B ANGSTROM SIGN becomes U+00C5.
    const raw = '\uff41\uff41\uff41\uff41 \u212b horse battery';
    const parsed = newPasswordField.parse(raw);
    expect(parsed).toBe('aaaa \u00c5 horse battery');
    expect(parsed).toBe(normalizePassword(raw));
  });

  it('counts code points, not UTF-16 units: 12 emoji are 12 characters', () => {
    const emoji = '🔑'.repeat(12);
    expect(emoji.length).toBe(24);
    expect(codePointLength(emoji)).toBe(12);
    expect(newPasswordField.safeParse(emoji).success).toBe(true);
    expect(newPasswordField.safeParse('🔑'.repeat(11)).error?.issues[0]?.message).toBe(
      messages.passwordTooShort,
    );
  });

  it('accepts exactly 12 and exactly 128 code points', () => {
    expect(newPasswordField.safeParse('a'.repeat(12)).success).toBe(true);
    expect(newPasswordField.safeParse('a'.repeat(128)).success).toBe(true);
  });

  it('refuses 11 and 129 code points with the length messages', () => {
    expect(newPasswordField.safeParse('a'.repeat(11)).error?.issues[0]?.message).toBe(
      messages.passwordTooShort,
    );
    expect(newPasswordField.safeParse('a'.repeat(129)).error?.issues[0]?.message).toBe(
      messages.passwordTooLong,
    );
  });

  it('measures the length after normalisation (a ligature that expands counts as its expansion)', () => {
    // U+FDFA is one code point that NFKC expands to 18; 8 of them are 144 characters once normalised.
    const expanding = '\ufdfa'.repeat(8);
    expect(codePointLength(expanding)).toBe(8);
    expect(newPasswordField.safeParse(expanding).error?.issues[0]?.message).toBe(messages.passwordTooLong);
  });

  it('refuses a 1 MB string cheaply, with the too-long message', () => {
    const result = newPasswordField.safeParse('x'.repeat(1024 * 1024));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(messages.passwordTooLong);
  });

  it('keeps zero-width and bidirectional characters (they are part of what the person typed)', () => {
    const withMarks = `${GOOD}\u200b\u200f`;
    const result = newPasswordField.safeParse(withMarks);
    expect(result.success).toBe(true);
    expect(result.data).toBe(withMarks);
  });

  // A lone surrogate is not a character: it cannot be encoded as UTF-8, and argon2 receives it as
  // U+FFFD, so "\ud800…" and "\udbff…" would be the same password. It should be refused up front.
  it('refuses a password containing a lone surrogate with a password error', () => {
    const result = newPasswordField.safeParse(`\ud800${GOOD}`);
    expect(result.success).toBe(false);
  });
});

describe('registerSchema', () => {
  it('accepts a valid registration and returns normalised values', () => {
    const result = register({ email: ' New@Example.com ', password: GOOD, confirmPassword: GOOD });
    expect(result.success).toBe(true);
    expect(result.data).toMatchObject({ email: 'new@example.com', password: GOOD });
  });

  it('reports a confirmation mismatch on confirmPassword', () => {
    const result = register({ email: 'a@example.com', password: GOOD, confirmPassword: `${GOOD}!` });
    expect(fieldErrors(result)).toEqual({ confirmPassword: [messages.passwordsDiffer] });
  });

  it('compares the confirmation after NFKC, so the same text typed two ways matches', () => {
    const composed = 'caf\u00e9 horse battery';
    const decomposed = 'cafe\u0301 horse battery';
    expect(
      register({ email: 'a@example.com', password: composed, confirmPassword: decomposed }).success,
    ).toBe(true);
  });

  it.each([
    ['missing everything', {}, ['email', 'password', 'confirmPassword']],
    ['missing password', { email: 'a@example.com', confirmPassword: GOOD }, ['password']],
    [
      'numbers instead of strings',
      { email: 42, password: 123456789012, confirmPassword: 123456789012 },
      ['email', 'password', 'confirmPassword'],
    ],
    [
      'objects instead of strings',
      { email: { toString: (): string => 'a@example.com' }, password: [GOOD], confirmPassword: GOOD },
      ['email', 'password'],
    ],
    [
      'null fields',
      { email: null, password: null, confirmPassword: null },
      ['email', 'password', 'confirmPassword'],
    ],
    [
      'a confirmation of another type',
      { email: 'a@example.com', password: GOOD, confirmPassword: 5 },
      ['confirmPassword'],
    ],
    [
      '1 MB strings',
      {
        email: `${'a'.repeat(1 << 20)}@example.com`,
        password: 'p'.repeat(1 << 20),
        confirmPassword: 'p'.repeat(1 << 20),
      },
      ['email', 'password'],
    ],
    ['short password', { email: 'a@example.com', password: 'short', confirmPassword: 'short' }, ['password']],
  ])('fails with field errors, without throwing, for %s', (_label, input, fields) => {
    let result: ReturnType<typeof register> | undefined;
    expect(() => {
      result = register(input);
    }).not.toThrow();
    expect(result?.success).toBe(false);
    const errors = fieldErrors(result as ReturnType<typeof register>);
    for (const field of fields) expect(errors[field], `error on ${field}`).toBeDefined();
    expect(errors['(form)']).toBeUndefined();
  });

  it.each([null, undefined, 'a string', 42, []])(
    'fails without throwing for a non-object body (%j)',
    (input) => {
      expect(() => register(input)).not.toThrow();
      expect(register(input).success).toBe(false);
    },
  );
});

describe('loginSchema', () => {
  it('parses the remember checkbox the way a form sends it', () => {
    const base = { email: 'A@Example.com', password: 'anything' };
    expect(loginSchema.parse({ ...base, remember: 'on' }).remember).toBe(true);
    expect(loginSchema.parse(base).remember).toBe(false);
    expect(loginSchema.parse({ ...base, remember: true }).remember).toBe(true);
    expect(loginSchema.parse(base).email).toBe('a@example.com');
  });

  it('accepts any existing password length (short ones could have been set before the rules)', () => {
    expect(loginSchema.safeParse({ email: 'a@example.com', password: 'x' }).success).toBe(true);
  });

  it('refuses an empty or 1 MB password with a message that does not reveal anything', () => {
    expect(fieldErrors(loginSchema.safeParse({ email: 'a@example.com', password: '' }))).toEqual({
      password: [messages.passwordRequired],
    });
    expect(
      fieldErrors(loginSchema.safeParse({ email: 'a@example.com', password: 'x'.repeat(1 << 20) })),
    ).toEqual({
      password: [messages.invalidCredentials],
    });
  });

  it('drops an invalid callbackUrl instead of failing the sign-in', () => {
    const result = loginSchema.safeParse({
      email: 'a@example.com',
      password: 'x',
      callbackUrl: 'x'.repeat(5000),
    });
    expect(result.success).toBe(true);
    expect(result.data?.callbackUrl).toBeUndefined();
    const wrongType = loginSchema.safeParse({ email: 'a@example.com', password: 'x', callbackUrl: { a: 1 } });
    expect(wrongType.data?.callbackUrl).toBeUndefined();
  });

  it('fails with field errors, without throwing, for wrong types', () => {
    const result = loginSchema.safeParse({ email: ['a@example.com'], password: 12, remember: { on: true } });
    expect(result.success).toBe(false);
    expect(Object.keys(fieldErrors(result)).sort()).toEqual(['email', 'password', 'remember']);
  });
});
