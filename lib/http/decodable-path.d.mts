import type { IncomingMessage, ServerResponse } from 'node:http';

export declare function isDecodablePath(url: string | undefined): boolean;
export declare function refuseUndecodablePath(req: IncomingMessage, res: ServerResponse): boolean;
