// Loaded by mocha before any test file (.mocharc.json "require"). MONGODB_URL chooses MongoDB for the suites' store
// factory (temp-store.ts); the configuration also reads MONGODB_URL alone as STORE=mongodb, so STORE is pinned to
// embedded here for what reads the environment itself: the CLI, server and worker processes that tests start with
// a DATA_DIR, and loadConfig(process.env). A test that wants MongoDB there says STORE=mongodb.
process.env.STORE ??= 'embedded';

// Suites whose processes still take a DATA_DIR only (not yet given processStoreFor's store): said once per run, so a
// MongoDB run does not pass for more than it covered.
if (process.env.MONGODB_URL) {
  console.warn(
    '*** On MongoDB: the process suites test/cli/{import-cli,erase-ll-import,migrate-write-back,startup-errors}, ' +
      'test/queue/{http-pipeline,api-worker,worker-cli,write-back-worker,jobs-cli} still run their processes on the embedded store only ***',
  );
}
