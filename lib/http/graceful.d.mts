import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';

export declare function isDraining(): boolean;
export declare function onShutdown(name: string, hook: () => Promise<void> | void): void;
export declare function runShutdownHooks(timeoutMs?: number): Promise<string[]>;

export type DrainOptions = {
  timeoutMs?: number;
  exit?: (code: number) => void;
  log?: (line: string) => void;
  signals?: EventEmitter | NodeJS.Process;
  /** A repeat within this many ms is the same signal delivered twice (default 1000). */
  echoMs?: number;
};

export declare function drainOnSignal(
  server: Server,
  options?: DrainOptions,
): { shutdown: (reason: string) => Promise<void> };

export declare function listenOrExit(
  server: Server,
  port: number,
  onListening: () => void,
  options?: { exit?: (code: number) => void; log?: (line: string) => void },
): void;
