// The largest request body Latchkey accepts, in bytes, in one place: next.config.ts gives it to
// Next (serverActions.bodySizeLimit) and server.mjs answers larger bodies with 413 before Next
// reads them (lib/http/body-limit.mjs), so the two can never disagree. 2 MB: Next's default 1 MB
// would answer an oversized form field with an error page; with room to spare the action's zod
// schema sees it and answers with a field error. CommonJS so next.config.ts (compiled to
// CommonJS by Next) and server.mjs (ESM) can both import it on every supported Node version.
exports.BODY_SIZE_LIMIT_BYTES = 2 * 1024 * 1024;
