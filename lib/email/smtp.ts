import 'server-only';
import nodemailer from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';

export type SmtpMail = { from: string; to: string; subject: string; text: string; html: string };

/**
 * One message over SMTP_URL (smtp:// upgrades with STARTTLS when the server offers it; smtps://
 * is TLS from the start; query parameters such as ?requireTLS=true are nodemailer options).
 * The default timeouts wait minutes; a person is waiting on this request, so ours are short.
 */
export async function sendViaSmtp(url: string, mail: SmtpMail): Promise<{ messageId: string }> {
  const transporter = nodemailer.createTransport(
    new SMTPTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      logger: false,
      debug: false,
    }),
  );
  try {
    const info = await transporter.sendMail({
      from: mail.from,
      // An address object, not a string to parse: the recipient is exactly this address.
      to: { name: '', address: mail.to },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
    return { messageId: info.messageId };
  } finally {
    transporter.close();
  }
}
