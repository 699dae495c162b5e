#!/usr/bin/env node
// Container health check of a worker process (docker-compose.yml; the API has /ready): healthy only when both things
// a worker needs answer: Redis (PING) and the store — MongoDB as a writable primary, or the embedded store's data
// directory. Plain JavaScript with the image's dependencies, so a check costs no TypeScript loading. Exit 0 or 1.
import { accessSync, constants } from 'node:fs';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';

const TIMEOUT_MS = 4000;

async function redisAnswers(url) {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {}); // the failed connect() below reports it
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } finally {
    redis.disconnect();
  }
}

async function storeAnswers(env) {
  if ((env.STORE ?? 'embedded') !== 'mongodb') {
    accessSync(env.DATA_DIR ?? './data', constants.W_OK);
    return true;
  }
  const client = new MongoClient(env.MONGODB_URL, { serverSelectionTimeoutMS: TIMEOUT_MS });
  try {
    const hello = await client.db(env.MONGODB_DB ?? 'persona-resolver').command({ hello: 1 });
    return hello.isWritablePrimary === true || hello.msg === 'isdbgrid';
  } finally {
    await client.close();
  }
}

try {
  const healthy = (await redisAnswers(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')) && (await storeAnswers(process.env));
  process.exit(healthy ? 0 : 1);
} catch (error) {
  process.stderr.write(`unhealthy: ${error.message}\n`);
  process.exit(1);
}
