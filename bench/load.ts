// Closed-loop load for the bench's throughput figures: `CONCURRENCY` keep-alive clients requesting
// one route back to back for a while, every answer checked (status and content), so a figure is
// never the speed of an error page.

export const CONCURRENCY = 8;

export type Page = {
  label: string;
  path: string;
  headers: Record<string, string>;
  /** Text every answer must contain. */
  marker: string;
  /** For JSON answers: the shape the parsed body must have as well. */
  shape?: (body: unknown) => boolean;
};

export type Load = {
  requests: number;
  seconds: number;
  perSecond: number;
  bytes: number;
  latencies: number[];
};

function parsed(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `CONCURRENCY` clients requesting `page` back to back for `ms`; every answer must be 200 and the page. */
export async function load(baseUrl: string, page: Page, ms: number): Promise<Load> {
  const latencies: number[] = [];
  let bytes = 0;
  const start = performance.now();
  const end = start + ms;
  const client = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const response = await fetch(`${baseUrl}${page.path}`, { headers: page.headers, redirect: 'manual' });
      const body = await response.text();
      latencies.push(performance.now() - t0);
      if (response.status !== 200 || !body.includes(page.marker)) {
        throw new Error(
          `GET ${page.path} answered ${response.status}${response.headers.get('location') ? ` to ${response.headers.get('location')}` : ''}` +
            `${response.status === 200 ? ` without "${page.marker}"` : ''}`,
        );
      }
      if (page.shape && !page.shape(parsed(body)))
        throw new Error(`GET ${page.path} answered 200 with an unexpected body: ${body.slice(0, 200)}`);
      bytes = body.length;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const seconds = (performance.now() - start) / 1000;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, bytes, latencies };
}
