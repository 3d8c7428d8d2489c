import { describe, expect, it, vi } from 'vitest';
import { loginSchema, registerSchema } from '@/lib/validation/auth';
import { validatedAction } from './actions';

function form(fields: Record<string, string | Blob>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

describe('validatedAction: malformed input gets field errors, never a throw', () => {
  const handler = vi.fn(async () => ({ ok: true }));
  const register = validatedAction(registerSchema, { echo: ['email'] }, handler);
  const login = validatedAction(loginSchema, { echo: ['email'] }, handler);

  const cases: [string, FormData][] = [
    ['missing fields', form({})],
    [
      'a file instead of text',
      form({ email: new Blob(['x']), password: 'x'.repeat(20), confirmPassword: 'x' }),
    ],
    [
      'a 1 MB email',
      form({ email: `${'a'.repeat(1_000_000)}@example.com`, password: 'p', confirmPassword: 'p' }),
    ],
    [
      'a 1 MB password',
      form({ email: 'a@example.com', password: 'p'.repeat(1_000_000), confirmPassword: 'p' }),
    ],
    [
      'odd Unicode',
      form({ email: '\u202e\u0000@\ud800.com', password: '\ud800\u200b', confirmPassword: '' }),
    ],
  ];

  it.each(cases)('register: %s', async (_name, data) => {
    const state = await register({ ok: false }, data);
    expect(state.ok).toBe(false);
    expect(Object.keys(state.fieldErrors ?? {}).length).toBeGreaterThan(0);
    expect(handler).not.toHaveBeenCalled();
  });

  it.each(cases)('login: %s', async (_name, data) => {
    const state = await login({ ok: false }, data);
    expect(state.ok).toBe(false);
    expect(Object.keys(state.fieldErrors ?? {}).length).toBeGreaterThan(0);
    expect(handler).not.toHaveBeenCalled();
  });

  it('extra fields are ignored, and only safe fields are echoed back', async () => {
    const seen = vi.fn(async (_data: unknown, values: Record<string, string>) => ({ ok: false, values }));
    const action = validatedAction(loginSchema, { echo: ['email'] }, seen);
    const state = await action(
      { ok: false },
      form({ email: 'Person@Example.com', password: 'secret-password', isAdmin: 'true' }),
    );
    expect(seen).toHaveBeenCalledOnce();
    expect(seen.mock.calls[0]?.[0]).toEqual({
      email: 'person@example.com',
      password: 'secret-password',
      remember: false,
    });
    expect(state.values).toEqual({ email: 'Person@Example.com' });
    expect(JSON.stringify(state)).not.toContain('secret-password');
  });

  it("called with anything but a form (another page's form encoding, a hand-made call): refused, not a 500", async () => {
    const seen = vi.fn(async () => ({ ok: true }));
    const action = validatedAction(loginSchema, {}, seen);
    for (const args of [undefined, 'text', { email: 'a@b.c' }, ['$K1'], 42]) {
      const state = await action({ ok: false }, args as unknown as FormData);
      expect(state).toEqual({
        ok: false,
        error: 'This request could not be read. Reload the page and try again.',
      });
    }
    expect(seen).not.toHaveBeenCalled();
  });

  it('a bug in the handler becomes a generic error without the input', async () => {
    const action = validatedAction(loginSchema, { echo: ['email'] }, async () => {
      throw new Error('database exploded');
    });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const state = await action({ ok: false }, form({ email: 'a@example.com', password: 'hunter2-password' }));
    expect(state.ok).toBe(false);
    expect(state.error).toMatch(/Something went wrong/);
    expect(JSON.stringify(state)).not.toContain('hunter2');
    expect(JSON.stringify(errors.mock.calls)).not.toContain('hunter2');
    errors.mockRestore();
  });
});
