import 'server-only';
import { z } from 'zod';
import { MailError } from './errors';
import { writeOutbox } from './outbox';
import { type MailSettings, mailSettings } from './settings';
import { sendViaSmtp } from './smtp';

export type Mail = { to: string; subject: string; text: string; html: string };
export type SentMail = { id: string; transport: MailSettings['transport'] };

const recipient = z.email().max(320);

/**
 * Sends one message through the configured transport (SMTP, or the outbox in development).
 * A failure is logged without the body, links or recipient (links hold live tokens) and thrown
 * as a MailError, so the caller decides: a reset request, say, answers the same either way.
 */
export async function sendMail(mail: Mail, settings: MailSettings = mailSettings()): Promise<SentMail> {
  const { transport } = settings;
  if (!recipient.safeParse(mail.to).success || /[\r\n]/.test(mail.subject) || mail.subject.trim() === '') {
    console.error('latchkey: mail not sent: invalid recipient or subject', { transport });
    throw new MailError('Mail not sent: invalid recipient or subject', { transport, code: 'EMESSAGE' });
  }
  const message = { from: settings.from, ...mail };
  try {
    if (transport === 'smtp') {
      if (!settings.smtpUrl) throw Object.assign(new Error('SMTP_URL is not set'), { code: 'ECONFIG' });
      const { messageId } = await sendViaSmtp(settings.smtpUrl, message);
      return { id: messageId, transport };
    }
    const stored = await writeOutbox(settings.outboxDir, message);
    return { id: stored.id, transport };
  } catch (error) {
    const details = describe(error);
    console.error('latchkey: sending mail failed', { transport, ...details });
    throw new MailError(`Mail not sent (${transport}${details.code ? `: ${details.code}` : ''})`, {
      transport,
      code: details.code,
      responseCode: details.responseCode,
    });
  }
}

type FailureDetails = { code?: string; responseCode?: number; command?: string; reason: string };

/**
 * What is safe to log about a failure: codes, and the message with any URL cut out (a server
 * that rejects a message may quote it back, links included). nodemailer's `response` field
 * and the error object itself are left out for the same reason.
 */
function describe(error: unknown): FailureDetails {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown; message?: unknown };
  const reason = typeof e.message === 'string' ? e.message : String(error);
  return {
    code: typeof e.code === 'string' ? e.code : undefined,
    responseCode: typeof e.responseCode === 'number' ? e.responseCode : undefined,
    command: typeof e.command === 'string' ? e.command : undefined,
    reason: reason
      .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '[url]')
      .replace(/\S+@\S+/g, '[address]')
      .slice(0, 300),
  };
}
