// `npm start`: loads the config, builds the app, creates the first client on an empty store (printed once), serves
// on HOST:PORT, and shuts down gracefully on SIGTERM/SIGINT: stop accepting, let in-flight requests finish (up to
// SHUTDOWN_TIMEOUT_MS), then stop the queue and close the store;
// a second signal exits at once (shutdown-signals.ts).
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { exitOnStartupFailure } from './exit-codes.ts';
import { ensureInitialClient } from './features/clients/initial-client.ts';
import { createHttpServer, serverTimeoutsOf } from './http/http-server.ts';
import { onShutdownSignal } from './shutdown-signals.ts';

const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  const built = await createApp(config, { logger });
  const initial = await ensureInitialClient({
    store: built.store,
    clients: built.services.clients,
    dataDir: config.DATA_DIR,
    // Printed the moment the client exists, before anything else can fail: its secret is never shown again.
    announce: ({ organisation, key, secret }) =>
      process.stdout.write(
        [
          '',
          'First start: created an organisation and an API client with every scope. The secret is shown only now.',
          `  organisation: ${organisation}`,
          `  key:          ${key}`,
          `  secret:       ${secret}`,
          `  try:          curl -u '${key}:${secret}' http://${config.HOST}:${config.PORT}/v1/personas`,
          `  admin app:    http://${config.HOST}:${config.PORT}/admin (sign in with this key and secret)`,
          '',
        ].join('\n') + '\n',
      ),
  });
  if (initial?.file) process.stdout.write(`  saved to:     ${initial.file} (mode 0600)\n\n`);
  if (initial?.fileError)
    logger.warn(
      { dataDir: config.DATA_DIR, err: initial.fileError },
      'initial client not saved to a file: copy the secret printed above now',
    );
  const server = createHttpServer(built.app, serverTimeoutsOf(config));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = server.address() as AddressInfo;
  logger.info(
    { host: address.address, port: address.port, store: built.store.kind, statements: built.statementSink.mode },
    `listening on http://${address.address}:${address.port}`,
  );

  onShutdownSignal(
    async (signal) => {
      logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_TIMEOUT_MS);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearTimeout(force);
      await built.close();
      logger.info('stopped');
    },
    (error) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    },
  );
}

// A configuration or start-up error (bad variable, store or port unavailable) is one line, exit 2 or 1.
main().catch((error) => exitOnStartupFailure('persona-resolver', error));
