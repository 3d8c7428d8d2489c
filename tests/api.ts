import { PEER_HEADER } from '@/lib/http/client-ip';
import { uniqueIp } from './helpers';

/**
 * /api/v1's route handlers called in-process, as Next calls them: a Request in, a Response out.
 * Each caller has its own client address (the per-IP limits count there).
 */
type Handler = (
  request: Request,
  context?: { params?: Promise<Record<string, string>> },
) => Promise<Response>;

export type ApiAnswer = {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; message: string; fields?: Record<string, string> };
  };
  headers: Headers;
};

export async function call(
  handler: Handler,
  options: {
    method?: string;
    path?: string;
    body?: unknown;
    token?: string;
    ip?: string;
    headers?: Record<string, string>;
    params?: Record<string, string>;
    raw?: string;
  } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {
    [PEER_HEADER]: options.ip ?? uniqueIp(),
    'user-agent': 'vitest-api',
  };
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  Object.assign(headers, options.headers);
  const request = new Request(`http://localhost${options.path ?? '/api/v1/test'}`, {
    method: options.method ?? 'POST',
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}
