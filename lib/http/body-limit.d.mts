import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export declare function createBodyLimitedServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  limit?: number,
): Server;
