import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Env, mailTransportKind, parseEnv } from '@/lib/env';
import { mailSettings } from './settings';

const SECRET = 'a-test-secret-that-is-long-enough-000';

type Choice = Pick<Env, 'NODE_ENV' | 'APP_URL' | 'SMTP_URL' | 'MAIL_TRANSPORT'>;
const dev: Choice = { NODE_ENV: 'development', APP_URL: 'http://localhost:3000' };
const prod: Choice = { NODE_ENV: 'production', APP_URL: 'https://auth.example.com' };
const SMTP = 'smtps://mailer:pw@smtp.example.com:465';

/** The error message, or null when the call succeeds. */
function failure(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('mailTransportKind', () => {
  it('uses the outbox when nothing is configured', () => {
    expect(mailTransportKind(dev)).toBe('outbox');
    expect(mailTransportKind({ ...dev, NODE_ENV: 'test' })).toBe('outbox');
  });

  it('uses SMTP when SMTP_URL is set, in any environment', () => {
    expect(mailTransportKind({ ...dev, SMTP_URL: SMTP })).toBe('smtp');
    expect(mailTransportKind({ ...prod, SMTP_URL: SMTP })).toBe('smtp');
    expect(mailTransportKind({ ...prod, SMTP_URL: SMTP, MAIL_TRANSPORT: 'smtp' })).toBe('smtp');
  });

  it('keeps the outbox when MAIL_TRANSPORT=outbox, even with SMTP_URL set', () => {
    expect(mailTransportKind({ ...dev, SMTP_URL: SMTP, MAIL_TRANSPORT: 'outbox' })).toBe('outbox');
    expect(mailTransportKind({ ...prod, MAIL_TRANSPORT: 'outbox' })).toBe('outbox');
  });

  it.each(['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000', 'https://localhost'])(
    'lets a production server on this machine (%s) fall back to the outbox',
    (APP_URL) => {
      expect(mailTransportKind({ NODE_ENV: 'production', APP_URL })).toBe('outbox');
    },
  );

  it.each([
    'https://auth.example.com',
    'http://192.168.1.10:3000',
    'http://127.0.0.1.example.com',
    'http://localhost.example.com',
    'http://10.0.0.1',
  ])('refuses the outbox for a production server at %s, naming SMTP_URL and MAIL_TRANSPORT', (APP_URL) => {
    const message = failure(() => mailTransportKind({ NODE_ENV: 'production', APP_URL }));
    expect(message).toMatch(/^Invalid settings:/);
    expect(message).toContain('SMTP_URL');
    expect(message).toContain('MAIL_TRANSPORT');
  });

  it('refuses MAIL_TRANSPORT=smtp without SMTP_URL', () => {
    expect(failure(() => mailTransportKind({ ...dev, MAIL_TRANSPORT: 'smtp' }))).toContain(
      'MAIL_TRANSPORT: is smtp, but SMTP_URL is not set',
    );
  });

  it('is what mailSettings reports, with the sender and the folder', () => {
    const settings = mailSettings(
      parseEnv({ AUTH_SECRET: SECRET, SMTP_URL: SMTP, MAIL_FROM: 'a@b.example' }),
    );
    expect(settings).toEqual({
      transport: 'smtp',
      smtpUrl: SMTP,
      from: 'a@b.example',
      outboxDir: '.data/outbox',
    });
    expect(failure(() => mailSettings(parseEnv({ AUTH_SECRET: SECRET, ...prod })))).toContain('SMTP_URL');
  });
});

describe('parseEnv: mail settings', () => {
  it('applies the defaults', () => {
    const env = parseEnv({ AUTH_SECRET: SECRET });
    expect(env).toMatchObject({ MAIL_FROM: 'Latchkey <no-reply@localhost>', OUTBOX_DIR: '.data/outbox' });
    expect(env.SMTP_URL).toBeUndefined();
    expect(env.MAIL_TRANSPORT).toBeUndefined();
  });

  it('accepts smtp:// and smtps:// URLs and named senders', () => {
    const env = parseEnv({
      AUTH_SECRET: SECRET,
      SMTP_URL: 'smtp://user:pass@mail.example.com:587',
      MAIL_FROM: '"Latchkey, Security" <security@example.com>',
      MAIL_TRANSPORT: 'smtp',
      OUTBOX_DIR: '/tmp/outbox',
    });
    expect(env.SMTP_URL).toBe('smtp://user:pass@mail.example.com:587');
    expect(env.MAIL_TRANSPORT).toBe('smtp');
    expect(parseEnv({ AUTH_SECRET: SECRET, SMTP_URL: 'smtps://mail.example.com' }).SMTP_URL).toBe(
      'smtps://mail.example.com',
    );
  });

  it('treats empty values as unset', () => {
    const env = parseEnv({
      AUTH_SECRET: SECRET,
      SMTP_URL: '',
      MAIL_FROM: '',
      MAIL_TRANSPORT: '',
      OUTBOX_DIR: '',
    });
    expect(env.SMTP_URL).toBeUndefined();
    expect(env.MAIL_FROM).toBe('Latchkey <no-reply@localhost>');
    expect(env.OUTBOX_DIR).toBe('.data/outbox');
  });

  it.each([
    ['SMTP_URL over http', { SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL'],
    ['SMTP_URL not a URL', { SMTP_URL: 'mail.example.com:25' }, 'SMTP_URL'],
    ['MAIL_TRANSPORT unknown', { MAIL_TRANSPORT: 'sendmail' }, 'MAIL_TRANSPORT'],
    ['MAIL_TRANSPORT=smtp without SMTP_URL', { MAIL_TRANSPORT: 'smtp' }, 'MAIL_TRANSPORT'],
    ['MAIL_FROM without an address', { MAIL_FROM: 'Latchkey' }, 'MAIL_FROM'],
    ['MAIL_FROM with two addresses', { MAIL_FROM: 'a@example.com, b@example.com' }, 'MAIL_FROM'],
    ['MAIL_FROM with a line break', { MAIL_FROM: 'x <a@example.com>\r\nBcc: b@example.com' }, 'MAIL_FROM'],
  ])('fails naming the variable: %s', (_label, source, variable) => {
    const message = failure(() => parseEnv({ AUTH_SECRET: SECRET, ...source }));
    expect(message).toMatch(/^Invalid settings:/);
    expect(message).toContain(`${variable}:`);
  });

  it('does not echo the SMTP password it refuses', () => {
    const message =
      failure(() => parseEnv({ AUTH_SECRET: SECRET, SMTP_URL: 'http://u:hunter2-secret@x' })) ?? '';
    expect(message).toContain('SMTP_URL:');
    expect(message).not.toContain('hunter2-secret');
  });

  it('leaves the production refusal to mailTransportKind, so other settings parse alone', () => {
    // parseEnv accepts it (lib/env.test.ts relies on that); env() and sendMail then refuse.
    const env = parseEnv({ AUTH_SECRET: SECRET, ...prod });
    expect(failure(() => mailTransportKind(env))).toContain('SMTP_URL, MAIL_TRANSPORT:');
    expect(mailTransportKind(parseEnv({ AUTH_SECRET: SECRET, ...prod, MAIL_TRANSPORT: 'outbox' }))).toBe(
      'outbox',
    );
  });
});

describe('env(): the start-up check', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  async function freshEnv(vars: Record<string, string>) {
    for (const [k, v] of Object.entries({ SMTP_URL: '', MAIL_TRANSPORT: '', ...vars })) vi.stubEnv(k, v);
    vi.resetModules(); // env() caches; a fresh module reads these
    return (await import('@/lib/env')).env;
  }

  it('refuses a production start for a public APP_URL with no SMTP_URL (instrumentation calls env())', async () => {
    const env = await freshEnv({ NODE_ENV: 'production', APP_URL: 'https://auth.example.com' });
    expect(() => env()).toThrow(/SMTP_URL, MAIL_TRANSPORT:/);
  });

  it('starts when the outbox is chosen on purpose, or SMTP is configured', async () => {
    const onPurpose = await freshEnv({
      NODE_ENV: 'production',
      APP_URL: 'https://auth.example.com',
      MAIL_TRANSPORT: 'outbox',
    });
    expect(onPurpose().MAIL_TRANSPORT).toBe('outbox');
    const smtp = await freshEnv({
      NODE_ENV: 'production',
      APP_URL: 'https://auth.example.com',
      SMTP_URL: SMTP,
    });
    expect(smtp().SMTP_URL).toBe(SMTP);
  });
});
