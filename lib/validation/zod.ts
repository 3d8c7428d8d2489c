import { z } from 'zod';

/**
 * The zod the shared schemas use, in jitless mode, so forms work under the pages' CSP (no
 * 'unsafe-eval'). Zod compiles object parsers with `new Function` where it may, and finds out by
 * trying: under the CSP the try is refused and the browser reports a violation on every page with
 * a form. Jitless skips the try (and the compilation, which these small forms do not need).
 * ESM runs this module before any module that imports it, so the setting precedes every schema.
 */
z.config({ jitless: true });

export { z };
