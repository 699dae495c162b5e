// MongoDB's side of Store.changeToken/changesSince: a change stream on the database, opened from the caller's resume
// token, drained of what is committed now and closed again; the new token is the stream's resume token (its
// post-batch resume token once drained), so the next call starts exactly where this one stopped. The order is the
// oplog's (commit order), and a change stream only returns majority-committed events, so a slow or retried write
// shows up whenever it commits: no clock of any host is involved.
//
// Needs a replica set or a sharded cluster (standalone servers have no oplog: refused with a message saying so), and
// tokens only as old as the oplog window: an older one gets ChangeHistoryLost and the caller rescans.
// The organisation is matched on the post-image (`fullDocument: 'updateLookup'`), or on the shard key that
// `documentKey` carries on a sharded collection, so an update of a document deleted since is not reported (it is gone).
import { EJSON } from 'bson';
import type { ChangeStream, ChangeStreamOptions, Db, Document, ResumeToken } from 'mongodb';
import type { ChangeBatch, ChangeHistoryLost, DocumentChange } from '../port.ts';

const TOKEN_PREFIX = 'mongodb-changes:';
/** How long a getMore waits for events when none are buffered: the call answers what is committed, not what may come. */
const MAX_AWAIT_MS = 10;
/** InvalidResumeToken, ChangeStreamFatalError (token not found), ChangeStreamHistoryLost (oplog rolled over). */
const HISTORY_LOST_CODES = new Set([260, 280, 286]);
/** "The $changeStream stage is only supported on replica sets". */
const NO_CHANGE_STREAMS_CODE = 40573;

export class ChangeStreamsUnavailableError extends Error {
  override name = 'ChangeStreamsUnavailableError';
}

/** The stream's stages: writes (not deletions) to these collections of this organisation, reduced to their ids. */
export function changePipeline(collections: string[], organisation: unknown): Document[] {
  return [
    {
      $match: {
        operationType: { $in: ['insert', 'update', 'replace'] },
        'ns.coll': { $in: collections },
        $or: [{ 'fullDocument.organisation': organisation }, { 'documentKey.organisation': organisation }],
      },
    },
    // The resume token is the event's _id, which must stay; the post-image is not needed once matched.
    { $project: { ns: 1, documentKey: 1 } },
  ];
}

export async function currentChangeToken(db: Db): Promise<string> {
  // No event can match: only the post-batch resume token, the stream's position now, is wanted.
  return (await drain(db, [{ $match: { operationType: 'no-such-operation' } }], null, 1)).token;
}

export async function changesSince(
  db: Db,
  collections: string[],
  organisation: unknown,
  token: string,
  limit: number,
): Promise<ChangeBatch | ChangeHistoryLost> {
  const resumeToken = parseToken(token);
  if (!resumeToken) return { historyLost: true };
  try {
    return await drain(db, changePipeline(collections, organisation), resumeToken, limit);
  } catch (error) {
    if (HISTORY_LOST_CODES.has((error as { code?: number }).code ?? 0)) return { historyLost: true };
    throw error;
  }
}

async function drain(db: Db, pipeline: Document[], startAfter: ResumeToken | null, limit: number): Promise<ChangeBatch> {
  const options: ChangeStreamOptions = {
    fullDocument: 'updateLookup',
    maxAwaitTimeMS: MAX_AWAIT_MS,
    batchSize: limit,
    ...(startAfter ? { startAfter } : {}),
  };
  const stream: ChangeStream = db.watch(pipeline, options);
  try {
    const changes: DocumentChange[] = [];
    while (changes.length < limit) {
      const event = await stream.tryNext().catch(explainUnavailable);
      if (!event) break;
      const { ns, documentKey } = event as unknown as { ns: { coll: string }; documentKey: { _id: unknown } };
      changes.push({ collection: ns.coll, id: documentKey._id });
    }
    const position = stream.resumeToken ?? startAfter;
    if (!position) throw new Error('the MongoDB server gave the change stream no resume token (MongoDB 4.2 or later is needed)');
    return { changes, token: `${TOKEN_PREFIX}${EJSON.stringify(position)}`, hasMore: changes.length >= limit };
  } finally {
    await stream.close();
  }
}

function explainUnavailable(error: unknown): never {
  if ((error as { code?: number }).code === NO_CHANGE_STREAMS_CODE) {
    throw new ChangeStreamsUnavailableError(
      'this MongoDB deployment is a standalone server: the duplicate and search indexes follow changes with a change stream, ' +
        'which needs a replica set (a one-member replica set will do) or a sharded cluster',
    );
  }
  throw error;
}

function parseToken(token: string): ResumeToken | null {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  try {
    return EJSON.parse(token.slice(TOKEN_PREFIX.length)) as ResumeToken;
  } catch {
    return null;
  }
}
