// Entry point of the MongoDB adapter: connects with the official driver and detects whether the deployment
// supports transactions (replica set or sharded cluster), which decides whether applyAtomically is offered.
import { MongoClient, ReadConcern, type DbOptions } from 'mongodb';
import type { Store } from '../port.ts';
import { MongoStore } from './mongo-store.ts';

export interface MongoStoreOptions {
  url: string;
  dbName: string;
  /** How long to wait for a server when connecting. Default 10 s. */
  serverSelectionTimeoutMs?: number;
}

/**
 * What the port assumes of every read and write, pinned on the database handle because the handle's settings win
 * over the connection string, the client and the cluster-wide defaults (a Learning Locker URL often carries
 * `readPreference=secondaryPreferred` or `w=1`; a PSA replica set defaults to `w:1`):
 * - acknowledged means journaled on a majority, so `flush()` has nothing left to wait for and a failover cannot
 *   roll back what a client was told is saved;
 * - reads go to the primary with read concern `local`, so a process reads its own writes and another process's
 *   acknowledged ones (the resolver's re-read after a lost race, the merge guard, cursor secrets).
 */
export const PINNED_CONSISTENCY: DbOptions = {
  writeConcern: { w: 'majority', journal: true },
  readPreference: 'primary',
  readConcern: new ReadConcern('local'),
};

export async function openMongoStore(options: MongoStoreOptions): Promise<Store> {
  const client = new MongoClient(options.url, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000 });
  await client.connect();
  try {
    const hello = await client.db('admin').command({ hello: 1 }, { readPreference: 'primary' });
    const supportsTransactions = Boolean(hello.setName) || hello.msg === 'isdbgrid';
    return new MongoStore(client, client.db(options.dbName, PINNED_CONSISTENCY), supportsTransactions);
  } catch (error) {
    await client.close();
    throw error;
  }
}
