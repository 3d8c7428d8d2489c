/**
 * A short, human name for a user agent: "Firefox on Linux", the name people know their browser
 * and system by. One function names sessions, trusted devices, activity and the notices' "From:".
 * Display only, never trusted. Order matters: Edge, Opera and Samsung Internet also say "Chrome",
 * and every browser on iOS says "Safari" (Chrome and Firefox there say CriOS and FxiOS).
 */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg(e|A|iOS)?\//.test(userAgent)
    ? 'Edge'
    : /OPR\/|Opera/.test(userAgent)
      ? 'Opera'
      : /SamsungBrowser\//.test(userAgent)
        ? 'Samsung Internet'
        : /Firefox\/|FxiOS\//.test(userAgent)
          ? 'Firefox'
          : /Chrome\/|Chromium\/|CriOS\//.test(userAgent)
            ? 'Chrome'
            : /Safari\//.test(userAgent)
              ? 'Safari'
              : 'Browser';
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /CrOS/.test(userAgent)
          ? 'ChromeOS'
          : /Mac OS X/.test(userAgent)
            ? 'macOS'
            : /Linux/.test(userAgent)
              ? 'Linux'
              : 'an unknown system';
  return `${browser} on ${os}`;
}

export function formatWhen(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const DAY_IN_WORDS = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** A day in words, in UTC like formatWhen: "8 December 2026". */
export function formatDay(date: Date): string {
  return DAY_IN_WORDS.format(date);
}

/**
 * What each session is called where a person picks one to sign out ("Chrome on Windows"; an API
 * session's "… (API)"), unique among `sessions`: when two would read the same, each gets its
 * sign-in time, and when even that is the same, a number in sign-in order. Button names are
 * built from these, so a screen reader's list of buttons tells the sessions apart.
 */
export function sessionNames(
  sessions: readonly {
    id: string;
    userAgent: string | null;
    client: string;
    createdAt: Date;
  }[],
): Map<string, string> {
  const base = (s: (typeof sessions)[number]) =>
    `${describeDevice(s.userAgent)}${s.client === 'api' ? ' (API)' : ''}`;
  const withTime = (s: (typeof sessions)[number]) => `${base(s)}, signed in ${formatWhen(s.createdAt)}`;
  const countBy = (name: (s: (typeof sessions)[number]) => string) => {
    const counts = new Map<string, number>();
    for (const s of sessions) counts.set(name(s), (counts.get(name(s)) ?? 0) + 1);
    return counts;
  };
  const bases = countBy(base);
  const timed = countBy(withTime);
  const names = new Map<string, string>();
  const seen = new Map<string, number>();
  const bySignIn = [...sessions].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const s of bySignIn) {
    if ((bases.get(base(s)) ?? 0) < 2) {
      names.set(s.id, base(s));
    } else if ((timed.get(withTime(s)) ?? 0) < 2) {
      names.set(s.id, withTime(s));
    } else {
      const n = (seen.get(withTime(s)) ?? 0) + 1;
      seen.set(withTime(s), n);
      names.set(s.id, `${withTime(s)} (${n})`);
    }
  }
  return names;
}
