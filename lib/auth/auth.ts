import 'server-only';
import NextAuth from 'next-auth';
import { authConfig } from './auth.config';

/**
 * Node half of Auth.js, kept only for its routes (app/api/auth/[...nextauth]): sessions start and
 * end in session-cookie.ts, which mints the same JWT Auth.js would. With no provider those routes
 * cannot sign anyone in; removing them is a change of its own.
 */
export const { handlers } = NextAuth(() => authConfig());
