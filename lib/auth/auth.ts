import 'server-only';
import NextAuth from 'next-auth';
import { authConfig } from './auth.config';

/**
 * Node half of Auth.js, kept for its routes (app/api/auth/[...nextauth]) and signOut: sessions
 * start in session-cookie.ts, which mints the same JWT Auth.js would. With no provider those
 * routes cannot sign anyone in; removing them is a change of its own.
 */
export const { handlers, signOut } = NextAuth(() => authConfig());
