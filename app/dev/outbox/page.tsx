import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { Fragment } from 'react';
import { splitLinks } from '@/lib/email/links';
import { listOutbox, type OutboxMessage } from '@/lib/email/outbox';
import { outboxEnabled } from '@/lib/email/settings';
import { env } from '@/lib/env';
import { isLocalRequest } from '@/lib/http/loopback';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Outbox', robots: { index: false, follow: false } };

/**
 * Mail the development transport kept instead of sending. The messages hold live reset links,
 * so the page exists only while the outbox transport is on, and only for requests from this
 * machine (the socket peer, which server.mjs stamps into a header clients cannot set).
 */
export default async function OutboxPage() {
  if (!outboxEnabled() || !isLocalRequest(await headers(), env().TRUST_PROXY_HOPS)) notFound();
  const messages = await listOutbox();
  const origin = new URL(env().APP_URL).origin;
  return (
    <div className="stack wide">
      <section className="card wide" aria-labelledby="outbox-title">
        <h1 id="outbox-title">Outbox</h1>
        <p className="muted">
          Mail this server would have sent, newest first. The outbox transport is on (no <code>SMTP_URL</code>
          , or <code>MAIL_TRANSPORT=outbox</code>), so messages are kept in <code>{env().OUTBOX_DIR}</code>.
          Only this machine can open this page.
        </p>
        {messages.length === 0 ? <p>No messages yet.</p> : null}
        <ol data-testid="outbox" className="list" aria-label="Messages, newest first">
          {messages.map((message) => (
            <li key={message.id}>
              <OutboxItem message={message} origin={origin} />
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function OutboxItem({ message, origin }: { message: OutboxMessage; origin: string }) {
  const titleId = `message-${message.id}`;
  return (
    <article aria-labelledby={titleId} style={{ width: '100%' }}>
      <h2 id={titleId} className="small">
        Subject: {message.subject}
      </h2>
      <p className="small">To: {message.to}</p>
      <p className="small muted">
        From: {message.from} · <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
      </p>
      {message.text.split(/\r?\n\r?\n/).map((paragraph, i) => (
        // Paragraphs of a stored message never reorder; the index is a stable key here.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <p key={i}>
          <Linked text={paragraph} origin={origin} />
        </p>
      ))}
    </article>
  );
}

/** Links to this app become anchors; every other URL stays text. Line breaks are kept. */
function Linked({ text, origin }: { text: string; origin: string }) {
  return splitLinks(text, origin).map((part, i) =>
    part.kind === 'link' ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: parts of one fixed string
      <a key={i} href={part.href} style={{ overflowWrap: 'anywhere' }}>
        {part.text}
      </a>
    ) : (
      part.text.split(/\r?\n/).map((line, j, lines) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one fixed string
        <Fragment key={`${i}-${j}`}>
          {line}
          {j < lines.length - 1 ? <br /> : null}
        </Fragment>
      ))
    ),
  );
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}
