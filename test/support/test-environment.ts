// Loaded by mocha before any test file (.mocharc.json "require"). MONGODB_URL chooses MongoDB for the suites' store
// factory (temp-store.ts); the configuration also reads MONGODB_URL alone as STORE=mongodb, so STORE is pinned to
// embedded here for what reads the environment itself: the CLI, server and worker processes that tests start with
// a DATA_DIR, and loadConfig(process.env). A test that wants MongoDB there says STORE=mongodb.
process.env.STORE ??= 'embedded';
