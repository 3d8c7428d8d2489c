import 'server-only';
import { type Env, env, type MailTransportKind, mailTransportKind } from '@/lib/env';

export type MailSettings = {
  transport: MailTransportKind;
  smtpUrl: string | undefined;
  from: string;
  outboxDir: string;
};

/** The mail settings from env(); throws the settings error mailTransportKind explains. */
export function mailSettings(
  source: Pick<
    Env,
    'NODE_ENV' | 'APP_URL' | 'SMTP_URL' | 'MAIL_TRANSPORT' | 'MAIL_FROM' | 'OUTBOX_DIR'
  > = env(),
): MailSettings {
  return {
    transport: mailTransportKind(source),
    smtpUrl: source.SMTP_URL,
    from: source.MAIL_FROM,
    outboxDir: source.OUTBOX_DIR,
  };
}

/**
 * Whether mail goes to the outbox (and /dev/outbox may show it). Settings that refuse to start
 * answer false here: the page stays hidden, and sending still fails loudly.
 */
export function outboxEnabled(): boolean {
  try {
    return mailSettings().transport === 'outbox';
  } catch {
    return false;
  }
}
