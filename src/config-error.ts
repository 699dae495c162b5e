// The error loadConfig throws for a bad environment variable. In a file of its own so that exit-codes.ts (loaded by
// every process before anything else, `persona --help` included) does not load the config schema and zod with it.
export class ConfigError extends Error {}
