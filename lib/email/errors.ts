import type { MailTransportKind } from '@/lib/env';

/**
 * A message was not sent (or not stored in the outbox). Carries what a caller needs to decide
 * (retry later? tell the person?) and nothing of the message: no body, no links (they hold live
 * tokens), no recipient. The underlying error is logged, redacted, where it happened, and not
 * attached as `cause`, so a caller that logs this error cannot leak what the transport echoed.
 */
export class MailError extends Error {
  override readonly name = 'MailError';
  readonly transport: MailTransportKind | 'none';
  /** Node or nodemailer code, such as ECONNREFUSED, EAUTH, EENVELOPE, EMESSAGE. */
  readonly code: string | undefined;
  /** The SMTP reply code, when the server answered: 4xx is worth a retry, 5xx is not. */
  readonly responseCode: number | undefined;

  constructor(
    message: string,
    details: { transport: MailTransportKind | 'none'; code?: string; responseCode?: number },
  ) {
    super(message);
    this.transport = details.transport;
    this.code = details.code;
    this.responseCode = details.responseCode;
  }
}
