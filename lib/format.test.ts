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
