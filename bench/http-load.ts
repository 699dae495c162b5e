// The load generator of the HTTP benchmark, run as a SECOND process (so it does not share the server's event loop):
// autocannon against one base URL, rotating through the given paths; prints autocannon's summary as one JSON line.
import autocannon from 'autocannon';

interface LoadOptions {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
let next = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationSeconds,
  headers: options.headers,
  requests: [{
    setupRequest(request) {
      const path = options.paths[next % options.paths.length];
      next += 1;
      return { ...request, path };
    },
  }],
});
process.stdout.write(`${JSON.stringify({
  requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
  non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, total: result.requests.total,
})}\n`);
