// The mail the bench server kept instead of sending, as /dev/outbox lists it (loopback only, so
// these requests carry no forwarded client address): newest first, at most the page's 50.
import { listItems, textOf } from './html';

export type Mail = { to: string; subject: string; text: string };

export async function readOutbox(baseUrl: string): Promise<Mail[]> {
  const response = await fetch(`${baseUrl}/dev/outbox`, { redirect: 'manual' });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`GET /dev/outbox answered ${response.status}, expected 200`);
  const items = listItems(html, 'outbox');
  if (!items) throw new Error('GET /dev/outbox: no data-testid="outbox" list');
  return items.map((item) => {
    const text = textOf(item);
    return {
      subject: textOf(/<h2\b[^>]*>\s*Subject:([\s\S]*?)<\/h2>/.exec(item)?.[1] ?? ''),
      to: textOf(/<p\b[^>]*>\s*To:([\s\S]*?)<\/p>/.exec(item)?.[1] ?? ''),
      text,
    };
  });
}

/** The mails to `to`, newest first, whose subject contains `subject` (any case). */
export async function mailsTo(baseUrl: string, to: string, subject = ''): Promise<Mail[]> {
  return (await readOutbox(baseUrl)).filter(
    (m) => m.to === to && m.subject.toLowerCase().includes(subject.toLowerCase()),
  );
}

/** The first link to `path` (`/undo/`, `/verify-email/`, …) in the newest mail to `to` that has one. */
export async function linkInMail(baseUrl: string, to: string, path: string, subject = ''): Promise<string> {
  for (const mail of await mailsTo(baseUrl, to, subject)) {
    const match = new RegExp(`https?://[^\\s"<>]*?(${path}[A-Za-z0-9_-]+)`).exec(mail.text);
    if (match?.[1]) return match[1];
  }
  throw new Error(`no mail to ${to}${subject ? ` about "${subject}"` : ''} with a ${path} link`);
}
