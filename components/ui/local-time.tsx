'use client';

import { useEffect, useState } from 'react';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "2 hours ago", "in 3 days": the largest unit that fits, in the reader's language. */
export function relativeTime(at: Date, now: Date): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/**
 * A moment as the reader knows it: relative ("2 hours ago") and in the browser's own time zone.
 * The server does not know that zone, so it renders UTC, which stays without JavaScript; the
 * browser rewrites it once it runs.
 */
export function LocalTime({ iso, utc }: { iso: string; utc: string }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    const at = new Date(iso);
    const local = at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    setText(`${relativeTime(at, new Date())} (${local})`);
  }, [iso]);
  return (
    <time dateTime={iso} title={utc}>
      {text ?? utc}
    </time>
  );
}
