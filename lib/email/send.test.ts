import { rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { composeMail } from './compose';
import { MailError } from './errors';
import { appLink } from './links';
import { sendMail } from './send';
import type { MailSettings } from './settings';

/** What the real SMTP server received. */
type Received = { mailFrom: string; rcptTo: string[]; raw: string; user: string | undefined };

const USER = 'latchkey';
const PASSWORD = 'smtp-password-not-for-logs';
const received: Received[] = [];
let rejectRecipients = false;

// A real SMTP server on loopback: plain text (no STARTTLS), login optional but checked when given.
const server = new SMTPServer({
  secure: false,
  authOptional: true,
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onAuth(auth, _session, callback) {
    if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
    return callback(new Error('Invalid username or password'));
  },
  onRcptTo(_address, _session, callback) {
    if (rejectRecipients) {
      return callback(
        Object.assign(new Error(`Mailbox unavailable; refused ${appLink('/reset-password/echoed')}`), {
          responseCode: 550,
        }),
      );
    }
    return callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      received.push({
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString('utf8'),
        user: session.user as string | undefined,
      });
      callback();
    });
  },
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(() => {
  received.length = 0;
  rejectRecipients = false;
  vi.restoreAllMocks();
});

const smtp = (url: string): MailSettings => ({
  transport: 'smtp',
  smtpUrl: url,
  from: 'Latchkey <no-reply@latchkey.test>',
  outboxDir: path.join(tmpdir(), 'latchkey-unused-outbox'),
});

const LINK = appLink('/reset-password/live-token-0123456789abcdef');
const body = composeMail({
  paragraphs: ['Someone asked to reset your password.'],
  action: { label: 'Reset your password', url: LINK },
  after: ['If it was not you, ignore this email.'],
});
const MAIL = { to: 'person@example.com', subject: 'Reset your Latchkey password', ...body };

/** The decoded text/plain part of a MIME message (quoted-printable or 7bit, as nodemailer writes it). */
function textPart(raw: string): string {
  const match = /Content-Type: text\/plain[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/i.exec(raw);
  const part = match?.[1] ?? '';
  const qp = /Content-Type: text\/plain[^\r\n]*\r\nContent-Transfer-Encoding: quoted-printable/i.test(raw);
  if (!qp) return part.replace(/\r\n/g, '\n');
  return part
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/\r\n/g, '\n');
}

/** Everything console.error was given, as one string. */
function logged(spy: ReturnType<typeof vi.spyOn>): string {
  return JSON.stringify(spy.mock.calls);
}

function expectNothingSecret(text: string) {
  expect(text).not.toContain('live-token-0123456789abcdef');
  expect(text).not.toContain(LINK);
  expect(text).not.toContain('reset-password');
  expect(text).not.toContain('Someone asked');
  expect(text).not.toContain(MAIL.subject);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(MAIL.to);
}

describe('sendMail over SMTP (a real server on loopback)', () => {
  it('delivers the message: envelope, headers, and the text with its link', async () => {
    const sent = await sendMail(MAIL, smtp(`smtp://127.0.0.1:${port}`));
    expect(sent.transport).toBe('smtp');
    expect(sent.id).toMatch(/^<.+@.+>$/);
    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message!.mailFrom).toBe('no-reply@latchkey.test');
    expect(message!.rcptTo).toEqual(['person@example.com']);
    expect(message!.raw).toMatch(/^To: person@example\.com\r$/m);
    expect(message!.raw).toMatch(/^From: Latchkey <no-reply@latchkey\.test>\r$/m);
    expect(message!.raw).toMatch(/^Subject: Reset your Latchkey password\r$/m);
    expect(message!.raw).toContain('Content-Type: multipart/alternative');
    expect(message!.raw).toContain('Content-Type: text/html');
    const text = textPart(message!.raw);
    expect(text).toContain(LINK);
    expect(text).toBe(MAIL.text);
  });

  it('logs in with the credentials in SMTP_URL', async () => {
    await sendMail(MAIL, smtp(`smtp://${USER}:${PASSWORD}@127.0.0.1:${port}`));
    expect(received[0]?.user).toBe(USER);
  });

  it('surfaces a refused login as MailError (EAUTH), logging no secret', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failure = await sendMail(MAIL, smtp(`smtp://${USER}:wrong-${PASSWORD}@127.0.0.1:${port}`)).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(MailError);
    expect((failure as MailError).code).toBe('EAUTH');
    expect(received).toHaveLength(0);
    expectNothingSecret(logged(error));
    expectNothingSecret(`${(failure as Error).message} ${JSON.stringify(failure)}`);
  });

  it('surfaces a refused recipient as MailError with the reply code, and redacts what the server echoed', async () => {
    rejectRecipients = true;
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failure = await sendMail(MAIL, smtp(`smtp://127.0.0.1:${port}`)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MailError);
    expect((failure as MailError).responseCode).toBe(550);
    expect(error).toHaveBeenCalledTimes(1);
    expect(logged(error)).toContain('550');
    expectNothingSecret(logged(error));
  });

  it('surfaces a server that is not there (closed port) as MailError, logging no secret', async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failure = await sendMail(MAIL, smtp(`smtp://${USER}:${PASSWORD}@127.0.0.1:${closedPort}`)).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(MailError);
    expect(failure).toMatchObject({ name: 'MailError', transport: 'smtp', code: 'ESOCKET' });
    expect((failure as Error).cause).toBeUndefined();
    expect(error).toHaveBeenCalledTimes(1);
    expect(logged(error)).toContain('ECONNREFUSED');
    expectNothingSecret(logged(error));
    expectNothingSecret(`${(failure as Error).message} ${(failure as Error).stack}`);
  });
});

describe('sendMail: other failures', () => {
  it('surfaces an outbox that cannot be written as MailError, logging no secret', async () => {
    const file = path.join(tmpdir(), `latchkey-not-a-folder-${process.pid}`);
    await writeFile(file, 'x');
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const settings: MailSettings = {
      transport: 'outbox',
      smtpUrl: undefined,
      from: 'a@b.example',
      outboxDir: path.join(file, 'outbox'),
    };
    const failure = await sendMail(MAIL, settings)
      .catch((e: unknown) => e)
      .finally(() => rm(file, { force: true }));
    expect(failure).toMatchObject({ name: 'MailError', transport: 'outbox', code: 'ENOTDIR' });
    expectNothingSecret(logged(error));
  });

  it.each([
    ['a recipient that is not one address', { to: 'a@example.com, b@example.com' }],
    ['a recipient with a display name', { to: 'Someone <a@example.com>' }],
    ['a subject with a line break', { subject: 'Hi\r\nBcc: x@example.com' }],
    ['an empty subject', { subject: ' ' }],
  ])('refuses %s before anything is sent', async (_label, change) => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failure = await sendMail({ ...MAIL, ...change }, smtp(`smtp://127.0.0.1:${port}`)).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ name: 'MailError', code: 'EMESSAGE' });
    expect(received).toHaveLength(0);
    expectNothingSecret(logged(error));
  });
});
