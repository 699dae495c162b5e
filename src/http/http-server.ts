// The HTTP server around the express app, with the time limits that bound a client that sends slowly: Node's own
// defaults hold a trickled body for 300 s (and check only every 30 s), which lets a few hundred slow connections
// occupy the process (slowloris). main.ts serves through this, and so do the tests that check the limits.
import { createServer, type RequestListener, type Server } from 'node:http';

export interface ServerTimeouts {
  /** The request line and headers must arrive within this time. */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this time (then Node answers 408 and closes). */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
}

/**
 * How often Node looks for connections past their headers or request time limit: a slow request is answered at
 * most this late. Node's default (30 s) would let a 5 s limit run to 35 s; one pass over the open connections a
 * second costs nothing measurable.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export function createHttpServer(app: RequestListener, timeouts: ServerTimeouts): Server {
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, timeouts.headersTimeoutMs),
    },
    app,
  );
  return server;
}

/** The server time limits of the configuration (HTTP_*_TIMEOUT_MS). */
export function serverTimeoutsOf(config: {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
}): ServerTimeouts {
  return {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  };
}
