import { describe, expect, it } from 'vitest';
import { isDecodablePath } from './decodable-path.mjs';

describe('paths that do not percent-decode are refused before Next (which answered 500)', () => {
  it.each(['/undo/%', '/reset-password/%E0%A4%A', '/verify-email/%FF', '/undo/%%41', '/x/%C3%28'])(
    '%s is not decodable',
    (url) => {
      expect(isDecodablePath(url)).toBe(false);
    },
  );

  it.each(['/', '/login?callbackUrl=%2Fdashboard', '/undo/abc_-DEF', '/caf%C3%A9', '/q?bad=%'])(
    '%s is fine (a query is not the path: the page decides about it)',
    (url) => {
      expect(isDecodablePath(url)).toBe(true);
    },
  );
});
