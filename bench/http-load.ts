// The load generator of the HTTP and load benchmarks, run as a SECOND process (so it does not share the server's
// event loop): autocannon against one base URL, rotating through the given paths (GET) or prebuilt requests (method,
// path, JSON body, so reads and writes mix at a fixed ratio); prints autocannon's summary as one JSON line.
import autocannon from 'autocannon';

interface LoadOptions {
  url: string;
  paths?: string[];
  requests?: Array<{ method: string; path: string; body?: string }>;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const requests = options.requests ?? (options.paths ?? []).map((path) => ({ method: 'GET', path, body: undefined }));
let next = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationSeconds,
  headers: { ...options.headers, 'content-type': 'application/json' },
  requests: [
    {
      setupRequest(request) {
        const chosen = requests[next % requests.length];
        next += 1;
        return { ...request, method: chosen.method as 'GET', path: chosen.path, body: chosen.body };
      },
    },
  ],
});
const latency = result.latency as unknown as Record<string, number>;
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50: latency.p50,
    p99: latency.p99,
    p999: latency.p99_9,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  })}\n`,
);
