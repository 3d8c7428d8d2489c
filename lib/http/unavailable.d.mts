import type { ServerResponse } from 'node:http';

export declare function databaseRetryAfterSeconds(now?: number): number | undefined;
export declare function answerDatabaseOutageWith503(res: ServerResponse): void;
