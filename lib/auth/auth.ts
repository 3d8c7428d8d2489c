import 'server-only';
import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { authConfig } from './auth.config';
import { redeemLoginTicket } from './login-ticket';
import { createSession } from './sessions';

/**
 * Node half of Auth.js. The only provider redeems a one-time login ticket issued after every
 * check passed (password, rate limits; later the second factor), and creates the server-side
 * session record whose secret token goes into the JWT.
 */
export const { handlers, signIn, signOut } = NextAuth(() => ({
  ...authConfig(),
  providers: [
    Credentials({
      id: 'ticket',
      credentials: { ticket: {} },
      async authorize(credentials) {
        const ticket = await redeemLoginTicket(credentials?.ticket);
        if (!ticket) return null;
        const session = await createSession(
          ticket.userId,
          ticket.remember,
          { ip: ticket.ip, userAgent: ticket.userAgent },
          ticket.mfaVerified,
        );
        return { id: ticket.userId, sid: session.token } as { id: string };
      },
    }),
  ],
}));
