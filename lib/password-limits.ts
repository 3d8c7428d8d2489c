/**
 * Password length, in code points after NFKC (NIST SP 800-63B §3.1.1.2: at least 8, allow at
 * least 64). One source for the schema, the messages and the strength meter. Client-safe.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
