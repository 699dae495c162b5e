// Entry point of the MongoDB adapter: connects with the official driver and detects whether the deployment
// supports transactions (replica set or sharded cluster), which decides whether applyAtomically is offered.
import { MongoClient } from 'mongodb';
import type { Store } from '../port.ts';
import { MongoStore } from './mongo-store.ts';

export interface MongoStoreOptions {
  url: string;
  dbName: string;
  /** How long to wait for a server when connecting. Default 10 s. */
  serverSelectionTimeoutMs?: number;
}

export async function openMongoStore(options: MongoStoreOptions): Promise<Store> {
  const client = new MongoClient(options.url, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000 });
  await client.connect();
  const hello = await client.db('admin').command({ hello: 1 });
  const supportsTransactions = Boolean(hello.setName) || hello.msg === 'isdbgrid';
  return new MongoStore(client, client.db(options.dbName), supportsTransactions);
}
