import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { registerAction } from '@/app/(auth)/register/actions';
import { PasswordStrength, passwordCheck } from '@/components/password-strength';
import { passwordPolicyError } from '@/lib/auth/password-policy';
import { registerUser } from '@/lib/auth/register';
import { messages, type PasswordRefusal, passwordReasons } from '@/lib/messages';
import { ctx, uniqueEmail } from '@/tests/helpers';
import { setupIntegration, usersWithEmail } from '@/tests/integration';
import { loadMeter } from './password-meter';

/**
 * The attack: passwords the strength meter called very weak (`123456789012`, `aaaaaaaaaaaa`,
 * `password1234`, `qwertyuiop12`) were accepted by the server, whose policy was a separate,
 * smaller check. Now one function decides for both; these tests hold the server to the meter.
 */

// The deployment's own name, from the settings: the server must refuse it, not a built-in one.
vi.hoisted(() => {
  process.env.APP_NAME = 'Quokka Vault';
});
// The action reads the client's address from the request; here there is no request.
vi.mock('@/lib/http/request-context', () => ({ requestContext: async () => ctx() }));

setupIntegration();
beforeAll(async () => {
  await loadMeter();
});

const APP_NAME = 'Quokka Vault';
const METER_CALLED_WEAK: [string, PasswordRefusal][] = [
  ['123456789012', 'passwordSequential'],
  ['aaaaaaaaaaaa', 'passwordRepetitive'],
  ['password1234', 'passwordCommon'],
  ['qwertyuiop12', 'passwordCommon'],
];

function registerForm(email: string, password: string): FormData {
  const data = new FormData();
  data.set('email', email);
  data.set('password', password);
  data.set('confirmPassword', password);
  return data;
}

/** What the meter on the page shows for a password, rendered as the browser would. */
function meterText(password: string, email: string): string {
  const html = renderToStaticMarkup(createElement(PasswordStrength, { password, email, appName: APP_NAME }));
  return html.replace(/<[^>]+>/g, '');
}

describe('weak passwords the meter refused were accepted by the server', () => {
  it.each(METER_CALLED_WEAK)('the server refuses %s (%s) and creates no account', async (password, key) => {
    const email = uniqueEmail();
    expect(await passwordPolicyError(password, email)).toBe(key);
    expect(await registerUser(email, password, ctx())).toMatchObject({
      ok: false,
      kind: key,
      field: 'password',
    });
    expect(await usersWithEmail(email)).toHaveLength(0);
  });

  it.each(METER_CALLED_WEAK)(
    'with the browser check skipped, the register action answers %s with the words the form shows',
    async (password, key) => {
      const email = uniqueEmail();
      const browser = await passwordCheck('password', () => ({ email, appName: APP_NAME }))({ password });
      expect(browser).toEqual({ password: messages[key] });
      const state = await registerAction({ ok: false }, registerForm(email, password));
      expect(state).toMatchObject({ ok: false, fieldErrors: { password: messages[key] } });
      expect(await usersWithEmail(email)).toHaveLength(0);
    },
  );
});

describe('the meter and the server give one verdict', () => {
  const email = 'dana.reyes@example.com';
  const table = [
    ...METER_CALLED_WEAK.map(([password]) => password),
    '1qaz2wsx3edc',
    'abcabcabcabc',
    'zyxwvutsrqpo',
    'sunshine2024!',
    'dana.reyes forever 91',
    'DanaReyes-tapir-ochre',
    'my quokka vault password',
    'QuokkaVault-tapir-ochre',
    // Another deployment's name is just a word here.
    'my latchkey tapir ochre 91',
    'correct horse battery staple',
    'Tapir-Quill-Ochre-Lantern-91',
    'violet tractor umbrella 42',
  ];

  it.each(table)('%s', async (password) => {
    const server = await passwordPolicyError(password, email);
    const shown = meterText(password, email);
    const browser = await passwordCheck('password', () => ({ email, appName: APP_NAME }))({ password });
    if (server === null) {
      expect(shown).toMatch(/^Strength: (Strong|Very strong)$/);
      expect(browser).toBeNull();
    } else {
      expect(shown).toMatch(/^Strength: (Very weak|Weak) \(.+\)$/);
      expect(shown).toContain(`(${passwordReasons[server]})`);
      expect(browser).toEqual({ password: messages[server] });
    }
  });

  it('refuses the app name from the settings, as the meter given it does', async () => {
    expect(await passwordPolicyError('my quokka vault password', email)).toBe('passwordHasAppName');
    expect(meterText('my quokka vault password', email)).toContain('(contains the app name)');
  });
});
