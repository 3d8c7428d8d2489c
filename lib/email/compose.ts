/**
 * The plain-text and HTML bodies of a simple mail: some paragraphs, one call-to-action link,
 * optionally a few closing paragraphs. Templates (what a reset mail says) belong to their
 * callers; this only makes sure the two bodies agree and the HTML is escaped.
 */
export type MailBody = { text: string; html: string };

export type ComposeInput = {
  paragraphs: string[];
  action: { label: string; url: string };
  /** After the link, such as "If you did not ask for this, you can ignore this email." */
  after?: string[];
  /** A second link, last, for the "if this was not you" case (such as `Cancel recovery`). */
  closingAction?: { label: string; url: string };
};

export function composeMail({ paragraphs, action, after = [], closingAction }: ComposeInput): MailBody {
  const url = httpUrl(action.url);
  const closing = closingAction ? { label: closingAction.label, url: httpUrl(closingAction.url) } : null;
  const text = [
    ...paragraphs,
    `${action.label}:\n${url.href}`,
    ...after,
    ...(closing ? [`${closing.label}:\n${closing.url.href}`] : []),
  ].join('\n\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a;">',
    ...paragraphs.map(paragraph),
    ...link(action.label, url),
    ...after.map(paragraph),
    ...(closing ? link(closing.label, closing.url) : []),
    '</body></html>',
  ].join('\n');
  return { text, html };
}

/** A link goes into an href: only an absolute http(s) URL (javascript: and friends are refused). */
function httpUrl(value: string): URL {
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('composeMail: the action link must be an http(s) URL');
  }
  return url;
}

function link(label: string, url: URL): string[] {
  return [
    `<p><a href="${escapeHtml(url.href)}" style="font-weight: 600;">${escapeHtml(label)}</a></p>`,
    `<p style="font-size: 0.875em; color: #555;">If the link does not open, copy this address into your browser:<br>${escapeHtml(url.href)}</p>`,
  ];
}

function paragraph(p: string): string {
  return `<p>${escapeHtml(p).replace(/\r?\n/g, '<br>')}</p>`;
}

/** Escapes text for HTML element content and for quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
