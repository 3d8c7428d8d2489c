import { describe, expect, it } from 'vitest';
import { describeDevice, formatDay, sessionNames } from './format';

const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const LINUX_FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

const session = (id: string, userAgent: string | null, at: string, client = 'web') => ({
  id,
  userAgent,
  client,
  createdAt: new Date(at),
});

describe('formatDay', () => {
  it('a day in words, in UTC like every time the server writes', () => {
    expect(formatDay(new Date('2026-12-08T14:05:00Z'))).toBe('8 December 2026');
    // Just before midnight UTC is still that day, whatever the server's own zone.
    expect(formatDay(new Date('2026-12-08T23:59:59Z'))).toBe('8 December 2026');
  });
});

describe('describeDevice', () => {
  it('names browser and system', () => {
    expect(describeDevice(WINDOWS_CHROME)).toBe('Chrome on Windows');
    expect(describeDevice(LINUX_FIREFOX)).toBe('Firefox on Linux');
    expect(describeDevice(null)).toBe('Unknown device');
  });

  it('knows the browsers that also say "Chrome" or "Safari" by their own names', () => {
    const cases: [string, string][] = [
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0',
        'Edge on Windows',
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 OPR/124.0.0.0',
        'Opera on Windows',
      ],
      [
        'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36',
        'Samsung Internet on Android',
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/140.0.0.0 Mobile/15E148 Safari/604.1',
        'Chrome on iOS',
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/142.0 Mobile/15E148 Safari/605.1.15',
        'Firefox on iOS',
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
        'Safari on iOS',
      ],
      [
        'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
        'Chrome on ChromeOS',
      ],
      [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15',
        'Safari on macOS',
      ],
    ];
    for (const [ua, name] of cases) expect(describeDevice(ua), ua).toBe(name);
  });
});

describe('sessionNames', () => {
  it('is the device alone when it is unique, with (API) for an API session', () => {
    const names = sessionNames([
      session('a', WINDOWS_CHROME, '2026-12-01T10:00:00Z'),
      session('b', LINUX_FIREFOX, '2026-12-01T11:00:00Z'),
      session('c', LINUX_FIREFOX, '2026-12-01T12:00:00Z', 'api'),
    ]);
    expect(Object.fromEntries(names)).toEqual({
      a: 'Chrome on Windows',
      b: 'Firefox on Linux',
      c: 'Firefox on Linux (API)',
    });
  });

  it('tells two sessions on the same device apart by their sign-in time, then by a number', () => {
    const names = sessionNames([
      session('late', WINDOWS_CHROME, '2026-12-01T12:30:00Z'),
      session('early', WINDOWS_CHROME, '2026-12-01T09:05:00Z'),
      session('same1', LINUX_FIREFOX, '2026-12-01T08:00:10Z'),
      session('same2', LINUX_FIREFOX, '2026-12-01T08:00:40Z'),
    ]);
    expect(names.get('early')).toBe('Chrome on Windows, signed in 2026-12-01 09:05 UTC');
    expect(names.get('late')).toBe('Chrome on Windows, signed in 2026-12-01 12:30 UTC');
    expect(names.get('same1')).toBe('Firefox on Linux, signed in 2026-12-01 08:00 UTC (1)');
    expect(names.get('same2')).toBe('Firefox on Linux, signed in 2026-12-01 08:00 UTC (2)');
    expect(new Set(names.values()).size).toBe(4);
  });
});
